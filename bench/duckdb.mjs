// SPDX-License-Identifier: MIT
// bench/duckdb.mjs FILE THREADS: the same daily rollup as payerlink ingest,
// as DuckDB runs it over read_csv (read_parquet for *.parquet); prints
// "seconds groups". The key is payerlink's: its columns and, as its attrs,
// the zone and the resource tags (the generator's only other key columns).
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await inst.connect();
const sql = `
SELECT COUNT(*) AS groups, SUM(u), SUM(n), SUM(p), SUM(q), SUM(c) FROM (
  SELECT bill_billing_period_start_date, CAST(line_item_usage_start_date AS DATE) AS day,
         bill_payer_account_id, line_item_usage_account_id, line_item_product_code,
         line_item_usage_type, line_item_operation, product_region_code,
         line_item_line_item_type, pricing_term,
         line_item_availability_zone, resource_tags,
         SUM(line_item_unblended_cost) AS u, SUM(line_item_net_unblended_cost) AS n,
         SUM(pricing_public_on_demand_cost) AS p, SUM(line_item_usage_amount) AS q,
         COUNT(*) AS c
  FROM ${file.endsWith('.parquet') ? `read_parquet('${file}')` :
    `read_csv('${file}', header = true)`}
  GROUP BY ALL)`;
const t0 = performance.now();
const r = await conn.runAndReadAll(sql);
const t = (performance.now() - t0) / 1000;
console.log(t.toFixed(3), String(r.getRows()[0][0]));
