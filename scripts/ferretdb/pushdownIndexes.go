package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// FerretDB 1.x on PostgreSQL pushes an equality filter down as
// `_jsonb -> 'field' @> '"value"'`, but builds a MongoDB index as a btree on
// `(_jsonb -> 'field')`, which PostgreSQL cannot use for `@>`: every pushed
// down lookup, `_id` included, is a sequential scan of the table (19 ms at
// 21,000 consent states). A GIN index on the same expression serves `@>`
// (0.02 ms). keepPushdownIndexes gives the first key of every btree index
// FerretDB made a GIN twin, so the indexes the services declare work for the
// queries FerretDB sends. FerretDB never sees these indexes (it keeps its own
// metadata); dropping a collection drops them with its table.

// firstJSONKey matches the first key of a FerretDB btree index definition,
// e.g. `USING btree (((_jsonb -> 'userId'::text)), ...)`; nested paths
// (`(_jsonb -> 'a') -> 'b'`) do not match.
var firstJSONKey = regexp.MustCompile(`USING btree \(\(\(_jsonb -> '([^']+)'::text\)\)`)

const pushdownIndexQuery = `
SELECT schemaname, tablename, indexdef FROM pg_indexes
WHERE indexdef LIKE '%USING btree (((_jsonb -> %'
  AND schemaname NOT IN ('pg_catalog', 'information_schema')
  AND tablename NOT LIKE '\_ferretdb\_%'`

// keepPushdownIndexes polls PostgreSQL's catalog every interval until ctx ends
// and creates the missing GIN twins, over one connection kept open (each new
// connection would fork a PostgreSQL backend). Failures are logged, the
// connection dropped, and the next poll tries again.
func keepPushdownIndexes(ctx context.Context, url string, interval time.Duration, logger *slog.Logger) {
	done := map[string]bool{}
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	for {
		var err error
		if conn == nil {
			conn, err = pgx.Connect(ctx, url)
		}
		if err == nil {
			err = createPushdownIndexes(ctx, conn, done, logger)
		}
		if err != nil && ctx.Err() == nil {
			logger.Warn("pushdown indexes: will retry", "error", err)
			if conn != nil {
				conn.Close(context.Background())
				conn = nil
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func createPushdownIndexes(ctx context.Context, conn *pgx.Conn, done map[string]bool, logger *slog.Logger) error {
	rows, err := conn.Query(ctx, pushdownIndexQuery)
	if err != nil {
		return err
	}
	type twin struct{ schema, table, field string }
	var missing []twin
	for rows.Next() {
		var schema, table, def string
		if err := rows.Scan(&schema, &table, &def); err != nil {
			rows.Close()
			return err
		}
		m := firstJSONKey.FindStringSubmatch(def)
		if m == nil {
			continue
		}
		t := twin{schema, table, m[1]}
		if !done[twinName(t.schema, t.table, t.field)] {
			missing = append(missing, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	analyzed := map[string]bool{}
	for _, t := range missing {
		name := twinName(t.schema, t.table, t.field)
		table := pgx.Identifier{t.schema, t.table}.Sanitize()
		// The field name reaches SQL only as a quoted literal, doubled quotes escaped.
		create := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s USING gin ((_jsonb -> %s))",
			pgx.Identifier{name}.Sanitize(), table, quoteLiteral(t.field))
		if _, err := conn.Exec(ctx, create); err != nil {
			return fmt.Errorf("%s on %s: %w", name, table, err)
		}
		done[name] = true
		// Fresh statistics, or the planner may still prefer a scan of a table just bulk-loaded.
		if !analyzed[table] {
			if _, err := conn.Exec(ctx, "ANALYZE "+table); err != nil {
				return err
			}
			analyzed[table] = true
		}
		logger.Info("pushdown index created", "table", table, "field", t.field)
	}
	return nil
}

// twinName is short (PostgreSQL cuts names at 63 bytes) and stable per key.
func twinName(schema, table, field string) string {
	sum := sha256.Sum256([]byte(schema + "\x00" + table + "\x00" + field))
	return "pushdown_" + hex.EncodeToString(sum[:])[:24]
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
