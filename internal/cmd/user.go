package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/xinfang/xinfang/internal/auth"
	"github.com/xinfang/xinfang/internal/config"
)

func newUserCommand(g *globalOptions) *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Manage the report server's users (auth.users_file)",
		Long: `Users sign in to ` + "`xinfang schedule --serve`" + `; each may read the audiences listed
for them ("*" = every audience and the whole system's site). The file holds argon2id
hashes only, with mode 0600.`,
	}
	var audiences []string
	var fromStdin bool
	add := &cobra.Command{
		Use:   "add NAME --audience ID[,ID…] [--password-stdin]",
		Short: "Add a user or replace their password and audiences",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, file, err := usersFile(g)
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd, fromStdin)
			if err != nil {
				return err
			}
			var known []string
			for _, a := range cfg.Audiences {
				known = append(known, a.ID)
			}
			if err := auth.AddUser(file, args[0], pw, audiences, known); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s may read %s (%s)\n", args[0], strings.Join(audiences, ", "), file)
			return nil
		},
	}
	add.Flags().StringSliceVar(&audiences, "audience", nil, "audience ids the user may read (\"*\" = all)")
	add.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a user (their sessions end at once)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, file, err := usersFile(g)
			if err != nil {
				return err
			}
			if err := auth.RemoveUser(file, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s removed\n", args[0])
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List users and their audiences",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, file, err := usersFile(g)
			if err != nil {
				return err
			}
			us, err := auth.ListUsers(file)
			if err != nil {
				return err
			}
			for _, u := range us {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", u.Name, strings.Join(u.Audiences, ","))
			}
			return nil
		},
	}
	c.AddCommand(add, remove, list)
	return c
}

func usersFile(g *globalOptions) (*config.Config, string, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, "", err
	}
	if cfg.Auth.UsersFile == "" {
		return nil, "", errors.New("auth.users_file is not set in the config")
	}
	return cfg, cfg.Auth.UsersFile, nil
}

// readPassword takes the password from stdin's first line, or asks twice on a terminal.
func readPassword(cmd *cobra.Command, fromStdin bool) (string, error) {
	if fromStdin || !term.IsTerminal(int(os.Stdin.Fd())) {
		line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(cmd.ErrOrStderr(), "password: ")
	a, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(cmd.ErrOrStderr())
	if err != nil {
		return "", err
	}
	fmt.Fprint(cmd.ErrOrStderr(), "again: ")
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(cmd.ErrOrStderr())
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", errors.New("the passwords differ")
	}
	return string(a), nil
}
