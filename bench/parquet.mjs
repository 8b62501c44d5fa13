// SPDX-License-Identifier: MIT
// bench/parquet.mjs CSV OUT CODEC: writes the bench's CUR 2.0 CSV as
// Parquet with DuckDB (@duckdb/node-api), COPY ... (FORMAT parquet,
// COMPRESSION CODEC), the column types as read_csv infers them (DOUBLE
// costs, TIMESTAMP WITH TIME ZONE times), default row groups and pages.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, out, codec] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
await conn.run(`COPY (SELECT * FROM read_csv('${csv}', header = true))
    TO '${out}' (FORMAT parquet, COMPRESSION ${codec})`);
