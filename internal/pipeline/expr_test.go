package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// A hand-written consumer-complaints file: where rules drop rows (counted per rule
// as skipped, not rejected), expr fields compute a unit default and the source's own
// timeliness verdict, and a values default fills a blank required unit.
func TestWhereAndExpr(t *testing.T) {
	e := newEnv(t)
	p := e.write("c.csv", []byte(`id,Date received,Date closed,State,Status,Timely response?,Email
1,2024-01-05,2024-01-09,CA,Closed,Yes,a@x.org
2,2024-01-06,2024-01-20,,Closed,No,b@x.org
3,2024-01-07,,NY,In progress,Yes,c@x.org
4,2024-01-08,2024-01-10,TX,Closed (Duplicate),Yes,d@x.org
5,2024-01-09,2024-01-11,TX,Referral,Yes,e@x.org
6,2024-01-10,2024-01-12,TX,Closed (Duplicate),Yes,f@x.org
`))
	src := config.Source{Name: "cfpb", Kind: "csv", Path: p, Mapping: config.Mapping{
		Where: config.Rules{`Status NOT LIKE '%(Duplicate)'`, `Status <> 'Referral'`},
		Fields: map[string]config.FieldMap{
			"petition_id":   {Column: "id"},
			"received_at":   {Column: "Date received"},
			"unit_id":       {Expr: `coalesce(nullif(State, ''), 'NO_STATE')`},
			"closed_at":     {Expr: `CASE WHEN Status LIKE 'Closed%' THEN "Date closed" END`},
			"feedback_at":   {Expr: `CASE WHEN "Timely response?" = 'Yes' THEN "Date received" END`},
			"petitioner_id": {Column: "Email"},
		}}}
	res := e.mustIngest(src)
	b := res.Batches[0]
	// 6 rows read; rows 4 and 6 fail the first rule, row 5 the second: 3 skipped,
	// 3 stored, none rejected.
	if b.RowsRead != 6 || b.Inserted != 3 || b.Rejected != 0 || b.SkippedRows != 3 {
		t.Fatalf("batch %+v; want 6 read, 3 inserted, 3 skipped", b)
	}
	if b.SkippedBy[`Status NOT LIKE '%(Duplicate)'`] != 2 || b.SkippedBy[`Status <> 'Referral'`] != 1 {
		t.Fatalf("skipped by %v", b.SkippedBy)
	}
	r := e.rows(`SELECT skipped, skipped_by FROM ingest_batches WHERE batch_id = ?`, b.BatchID)[0]
	expect(t, "ingest_batches", r, map[string]string{"skipped": "3",
		"skipped_by": `{"Status <> 'Referral'":1,"Status NOT LIKE '%(Duplicate)'":2}`})
	expect(t, "1", e.row("cfpb", "1"), map[string]string{"unit_id": "CA", "closed_date": "2024-01-09", "feedback_at": "2024-01-05", "petitioner_id": pseudo("a@x.org")})
	expect(t, "2", e.row("cfpb", "2"), map[string]string{"unit_id": "NO_STATE", "closed_date": "2024-01-20", "feedback_at": "NULL"})
	expect(t, "3", e.row("cfpb", "3"), map[string]string{"unit_id": "NY", "closed_at": "NULL", "feedback_at": "2024-01-07"})
	if n := e.count(`SELECT count(*) FROM rejected`); n != 0 {
		t.Fatalf("%d rejected/warnings; want none", n)
	}
}

// values: {"": NO_STATE} on unit_id fills a blank required field instead of
// rejecting the row; aliases on a text field apply too.
func TestValuesDefaultForBlankRequired(t *testing.T) {
	e := newEnv(t)
	p := e.write("u.csv", []byte("id,at,state,ch\n1,2024-01-05,CA,\n2,2024-01-06,,Phone\n3,2024-01-07,Calif.,Web\n"))
	src := config.Source{Name: "s", Kind: "csv", Path: p, Mapping: config.Mapping{
		Fields: map[string]config.FieldMap{
			"petition_id": {Column: "id"}, "received_at": {Column: "at"},
			"unit_id": {Column: "state", Values: map[string]string{"": "NO_STATE", "Calif.": "CA"}},
			"channel": {Column: "ch", Values: map[string]string{"": "other", "Web": "online", "Phone": "phone"}},
		}}}
	b := e.mustIngest(src).Batches[0]
	if b.Inserted != 3 || b.Rejected != 0 || b.Warnings != 0 {
		t.Fatalf("batch %+v; want 3 inserted, nothing rejected or warned", b)
	}
	expect(t, "1", e.row("s", "1"), map[string]string{"unit_id": "CA", "channel": "other"})
	expect(t, "2", e.row("s", "2"), map[string]string{"unit_id": "NO_STATE", "channel": "phone"})
	expect(t, "3", e.row("s", "3"), map[string]string{"unit_id": "CA", "channel": "online"})
}

// A bad expression fails its batch before any row is stored, naming the expression;
// a column the header lacks is named too.
func TestBadExpressionFailsBatch(t *testing.T) {
	for _, c := range []struct{ where, expr, want string }{
		{where: `Status =`, want: "syntax error"},
		{where: `Nope = 'x'`, want: "Nope"},
		{where: `upper(Status)`, want: "must be a condition"},
		{expr: `no_such_fn(Status)`, want: "no_such_fn"},
	} {
		e := newEnv(t)
		p := e.write("c.csv", []byte("id,at,Status\n1,2024-01-05,Closed\n"))
		mp := config.Mapping{Fields: map[string]config.FieldMap{"petition_id": {Column: "id"}, "received_at": {Column: "at"}, "unit_id": {Const: "U"}}}
		if c.where != "" {
			mp.Where = config.Rules{c.where}
		}
		if c.expr != "" {
			mp.Fields["category"] = config.FieldMap{Expr: c.expr}
		}
		_, err := e.ingest(config.Source{Name: "s", Kind: "csv", Path: p, Mapping: mp})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v; want it to mention %q", c, err, c.want)
		}
		if n := e.count(`SELECT count(*) FROM petitions`); n != 0 {
			t.Errorf("%+v: %d rows stored", c, n)
		}
	}
	if err := CheckExpr(context.Background(), `"Date received" > '2020'`, exprRule, nil); err != nil {
		t.Errorf("good rule: %v", err)
	}
}
