// SPDX-License-Identifier: MIT
// tests/parquet/make-fixtures.mjs OUTDIR [all]: writes Parquet twins of
// cur2.csv and focus12.csv with two independent writers, DuckDB
// (@duckdb/node-api) and arrow-rs (parquet-wasm), one file per variant,
// and prints their names. Without "all" only the variants committed in
// this directory (see README.md); with it the whole matrix the API test
// runs: DuckDB x {snappy, zstd, gzip, uncompressed} x {page v1, v2} x
// {dictionary, none}, the typed and MAP variants, and arrow-rs with
// every delta encoding, BYTE_STREAM_SPLIT and LZ4_RAW (which payerlink
// refuses by name). FOCUS_CSV in the environment adds the FOCUS sample.
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pw from 'parquet-wasm/node';

const here = dirname(fileURLToPath(import.meta.url));
const [out, all] = process.argv.slice(2);
const cur2 = join(here, 'cur2.csv');
const focus = join(here, 'focus12.csv');
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const made = [];

// The CSV as AWS types CUR 2.0 Parquet: ids and strings VARCHAR, times
// TIMESTAMP, costs DOUBLE, the tags a MAP.
const ids = "types = {'bill_payer_account_id': 'VARCHAR', " +
    "'line_item_usage_account_id': 'VARCHAR'}";
const src = (f, opt) => `read_csv('${f}', header = true${opt ? ', ' + opt : ''})`;

async function duck(name, select, opts) {
	const f = join(out, name + '.parquet');
	await c.run(`COPY (${select}) TO '${f}' (FORMAT parquet, ${opts})`);
	made.push(name);
}

const plain = `SELECT * FROM ${src(cur2)}`;
const aws = `SELECT * REPLACE (CAST(resource_tags::JSON AS MAP(VARCHAR, VARCHAR)) AS resource_tags),
    MAP {'region': product_region_code, 'servicecode': line_item_product_code} AS product,
    MAP {'team': 'a'} AS cost_category,
    CAST(MAP {'edp': -0.01} AS MAP(VARCHAR, DOUBLE)) AS discount
    FROM ${src(cur2, ids)}`;
// DuckDB 1.5 fails on this one with page v2 and no dictionary ("not
// enough space in buffer"); the matrix then writes the tags' MAP alone.
const tagsOnly = `SELECT * REPLACE (CAST(resource_tags::JSON AS MAP(VARCHAR, VARCHAR)) AS resource_tags)
    FROM ${src(cur2, ids)}`;
const typed = `SELECT * REPLACE (
    CAST(line_item_unblended_cost AS DECIMAL(18, 10)) AS line_item_unblended_cost,
    CAST(line_item_net_unblended_cost AS DECIMAL(38, 12)) AS line_item_net_unblended_cost,
    CAST(pricing_public_on_demand_cost AS DECIMAL(20, 10)) AS pricing_public_on_demand_cost,
    CAST(reservation_effective_cost AS DECIMAL(9, 4)) AS reservation_effective_cost,
    CAST(line_item_usage_start_date AS TIMESTAMP_NS) AS line_item_usage_start_date,
    CAST(line_item_usage_end_date AS TIMESTAMP_MS) AS line_item_usage_end_date,
    CAST(bill_billing_period_start_date AS DATE) AS bill_billing_period_start_date,
    CAST(line_item_usage_amount AS VARCHAR) AS line_item_usage_amount)
    FROM ${src(cur2, ids)}`;

await duck('cur2-duckdb-snappy', plain, 'COMPRESSION snappy, ROW_GROUP_SIZE 64');
await duck('cur2-duckdb-zstd-v2', aws, 'COMPRESSION zstd, PARQUET_VERSION V2, ROW_GROUP_SIZE 100');
await duck('cur2-duckdb-gzip-nodict', typed, 'COMPRESSION gzip, DICTIONARY_SIZE_LIMIT 0');
await duck('focus12-duckdb', `SELECT * FROM ${src(focus)}`, 'COMPRESSION snappy');
if (all) {
	for (const codec of ['snappy', 'zstd', 'gzip', 'uncompressed'])
		for (const v of ['V1', 'V2'])
			for (const dict of [true, false])
				for (const sel of [aws, tagsOnly]) {
					try {
						await duck(`cur2-duckdb-${codec}-${v}-${dict ? 'dict' : 'plain'}`,
						    sel, `COMPRESSION ${codec}, PARQUET_VERSION ${v}` +
						    (dict ? '' : ', DICTIONARY_SIZE_LIMIT 0'));
						break;
					} catch (e) {
						if (sel === tagsOnly)
							throw e;
					}
				}
	await duck('cur2-duckdb-typed-v2', typed, 'COMPRESSION zstd, PARQUET_VERSION V2');
	if (process.env.FOCUS_CSV)
		await duck('focus10-sample-duckdb', `SELECT * FROM read_csv('${process.env.FOCUS_CSV}', header = true)`,
		    'COMPRESSION zstd');
}

// arrow-rs: the rows through DuckDB into an Arrow table, then written
// with explicit encodings.
async function arrowTable() {
	const r = await c.runAndReadAll(`SELECT * REPLACE (
	    epoch_ms(line_item_usage_start_date::TIMESTAMP) AS line_item_usage_start_date,
	    epoch_ms(bill_billing_period_start_date::TIMESTAMP) AS bill_billing_period_start_date)
	    FROM ${src(cur2, ids + ", all_varchar = false")}`);
	const names = r.columnNames();
	const rows = r.getRows();
	const cols = {};
	names.forEach((n, i) => {
		const vals = rows.map((row) => row[i]);
		const first = vals.find((v) => v !== null);
		let type;
		if (n.endsWith('_date') && n.includes('start'))
			type = new arrow.TimestampMillisecond('UTC');
		else if (typeof first === 'number')
			type = new arrow.Float64();
		else
			type = new arrow.Utf8();
		cols[n] = arrow.vectorFromArray(vals.map((v) => v === null ? null :
		    type instanceof arrow.Utf8 ? String(v) : Number(v)), type);
	});
	return new arrow.Table(cols);
}

async function rs(name, build) {
	const t = pw.Table.fromIPCStream(arrow.tableToIPC(await arrowTable(), 'stream'));
	writeFileSync(join(out, name + '.parquet'), pw.writeParquet(t, build(new pw.WriterPropertiesBuilder()).build()));
	made.push(name);
}

const strings = ['line_item_usage_account_id', 'line_item_product_code', 'line_item_usage_type',
    'line_item_operation', 'product_region_code', 'line_item_line_item_type', 'pricing_term',
    'line_item_currency_code', 'bill_payer_account_id'];
const doubles = ['line_item_unblended_cost', 'line_item_net_unblended_cost',
    'pricing_public_on_demand_cost', 'line_item_usage_amount'];

await rs('cur2-arrowrs-delta-v2', (b) => {
	b = b.setWriterVersion(pw.WriterVersion.V2).setCompression(pw.Compression.ZSTD)
	    .setDictionaryEnabled(false).setMaxRowGroupSize(80);
	strings.forEach((s, i) => { b = b.setColumnEncoding(s, i % 2 ?
	    pw.Encoding.DELTA_BYTE_ARRAY : pw.Encoding.DELTA_LENGTH_BYTE_ARRAY); });
	doubles.forEach((s) => { b = b.setColumnEncoding(s, pw.Encoding.BYTE_STREAM_SPLIT); });
	b = b.setColumnEncoding('line_item_usage_start_date', pw.Encoding.DELTA_BINARY_PACKED);
	return b.setColumnEncoding('bill_billing_period_start_date', pw.Encoding.DELTA_BINARY_PACKED);
});
if (all) {
	await rs('cur2-arrowrs-gzip-v1', (b) => b.setCompression(pw.Compression.GZIP)
	    .setDataPageSizeLimit(1024));
	await rs('cur2-arrowrs-lz4raw', (b) => b.setCompression(pw.Compression.LZ4_RAW));
}
console.log(made.join('\n'));
