-- DuckDB on an lnsweep output folder.  duckdb < scripts/analysis/example.sql   (from the folder holding out/)
--
-- 1. Parquet (no extension needed, works offline): `npx lnsweep merge out/phase-diagram --parquet` writes
--    metrics.parquet and summary.parquet beside the Arrow files.

-- Runs by status.
SELECT status, count(*) AS runs FROM 'out/phase-diagram/summary.parquet' GROUP BY ALL ORDER BY ALL;

-- A phase diagram as a table: median Phase I norm decay rate over sigma x alpha at width 1000, with the IQR across
-- replicates (cells where most runs diverged are labelled instead).
SELECT sigma, alpha,
       CASE WHEN avg((status = 'diverged')::INT) > 0.5 THEN 'diverged'
            ELSE printf('%.3g (IQR %.2g)', median(norm_decay_rate),
                        quantile_cont(norm_decay_rate, 0.75) - quantile_cont(norm_decay_rate, 0.25)) END AS rate
FROM 'out/phase-diagram/summary.parquet'
WHERE width = 1000
GROUP BY ALL
ORDER BY alpha, sigma;

-- Trajectories: median mean ||w_i||^2 every 100k steps, by sigma, at alpha = 1 and width = 1000.
SELECT sigma, step, median(w_norm2_mean) AS w_norm2_mean, median(align_cos_mean) AS align
FROM 'out/phase-diagram/metrics.parquet'
WHERE alpha = 1 AND width = 1000 AND step % 100000 = 0
GROUP BY ALL
ORDER BY sigma, step;

-- 2. The Arrow IPC files themselves, through DuckDB's community `arrow` extension. INSTALL downloads it once, which needs
--    internet: on an offline node use the Parquet files above, or read the Arrow file with pyarrow and query the
--    table from Python: duckdb.sql("... from t") with t = pyarrow.feather.read_table(...).
INSTALL arrow FROM community;
LOAD arrow;
SELECT optimizer, sigma, count(*) AS runs, median(final_test_loss) AS test_loss
FROM read_arrow('out/phase-diagram/summary.arrow')
GROUP BY ALL ORDER BY ALL;
