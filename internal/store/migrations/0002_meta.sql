-- Facts about the database itself, one value per key. pseudonym_key_fingerprint
-- identifies (without revealing) the key every stored pseudonym was made with, so a
-- run with another key is refused instead of splitting one person into two.
CREATE TABLE IF NOT EXISTS meta (
    key        VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    updated_at TIMESTAMP DEFAULT current_localtimestamp()
);
