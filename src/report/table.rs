//! A small column builder over polars: one definition of a table, written as Parquet and CSV.
//!
//! CSV cells are made safe to open in a spreadsheet ([`crate::util::csv_safe`]) and list columns
//! are `;`-joined; Parquet keeps lists as `List<String>` and strings untouched.
//!
//! Parquet files are written at polars' oldest *compatibility level* (`CompatLevel::oldest`):
//! strings as Arrow `large_string`, lists as `large_list`, never the `string_view` types of
//! polars' default writer, which pandas cannot convert (`Not implemented type for Arrow list to
//! pandas: string_view`). Counts are signed 64-bit integers (`INT64`), which every reader maps to
//! its integer type. `tests/parquet_readers.rs` reads every output back with pandas, pyarrow,
//! DuckDB and polars (Python) and checks each column's type.

use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;

/// Text a table holds: borrowed from what earlier stages computed (a taxonomy label, a role id)
/// or made for the table (a formatted cell). Borrowing keeps a report with millions of cells from
/// copying every label it repeats.
pub type Text<'a> = Cow<'a, str>;

/// One column's values.
#[derive(Debug, Clone)]
pub enum Values<'a> {
    /// Text.
    Str(Vec<Text<'a>>),
    /// Optional text (null when absent).
    OptStr(Vec<Option<Text<'a>>>),
    /// Unsigned integers.
    U64(Vec<u64>),
    /// Floating point numbers.
    F64(Vec<f64>),
    /// Lists of text.
    List(Vec<Vec<Text<'a>>>),
    /// Booleans (CSV: `true` / `false`).
    Bool(Vec<bool>),
}

/// A named column.
#[derive(Debug, Clone)]
pub struct Col<'a> {
    /// Column name.
    pub name: &'static str,
    /// Values.
    pub values: Values<'a>,
}

impl<'a> Col<'a> {
    /// A text column, from owned (`String`) or borrowed (`&str`) cells.
    pub fn str<S: Into<Text<'a>>>(name: &'static str, v: Vec<S>) -> Col<'a> {
        Col { name, values: Values::Str(v.into_iter().map(Into::into).collect()) }
    }
    /// An optional-text column.
    pub fn opt<S: Into<Text<'a>>>(name: &'static str, v: Vec<Option<S>>) -> Col<'a> {
        Col { name, values: Values::OptStr(v.into_iter().map(|o| o.map(Into::into)).collect()) }
    }
    /// An integer column.
    pub fn u64(name: &'static str, v: Vec<u64>) -> Col<'a> {
        Col { name, values: Values::U64(v) }
    }
    /// A float column.
    pub fn f64(name: &'static str, v: Vec<f64>) -> Col<'a> {
        Col { name, values: Values::F64(v) }
    }
    /// A boolean column.
    pub fn bool(name: &'static str, v: Vec<bool>) -> Col<'a> {
        Col { name, values: Values::Bool(v) }
    }
    /// A list-of-text column.
    pub fn list<S: Into<Text<'a>>>(name: &'static str, v: Vec<Vec<S>>) -> Col<'a> {
        Col { name, values: Values::List(v.into_iter().map(|l| l.into_iter().map(Into::into).collect()).collect()) }
    }

    fn len(&self) -> usize {
        match &self.values {
            Values::Str(v) => v.len(),
            Values::OptStr(v) => v.len(),
            Values::U64(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::List(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    fn to_column(&self, for_csv: bool) -> Column {
        let name: PlSmallStr = self.name.into();
        let series = match &self.values {
            Values::Str(v) if for_csv => {
                StringChunked::from_iter_values(name, v.iter().map(|s| crate::util::csv_safe(s))).into_series()
            }
            Values::Str(v) => StringChunked::from_slice(name, v).into_series(),
            Values::OptStr(v) if for_csv => {
                StringChunked::from_iter_options(name, v.iter().map(|o| o.as_deref().map(crate::util::csv_safe)))
                    .into_series()
            }
            Values::OptStr(v) => StringChunked::from_slice_options(name, v).into_series(),
            // INT64, not UINT64: some readers (Spark, older pandas paths) have no unsigned 64-bit type.
            Values::U64(v) => {
                Series::new(name, v.iter().map(|&n| i64::try_from(n).unwrap_or(i64::MAX)).collect::<Vec<i64>>())
            }
            Values::F64(v) => Series::new(name, v),
            Values::Bool(v) => Series::new(name, v),
            Values::List(v) if for_csv => StringChunked::from_iter_values(
                name,
                v.iter().map(|l| crate::util::csv_safe(&l.join(";")).into_owned()),
            )
            .into_series(),
            Values::List(v) => {
                // One builder for the whole column: no per-row Series allocation.
                let values: usize = v.iter().map(Vec::len).sum();
                let mut b = ListStringChunkedBuilder::new(name, v.len(), values);
                for l in v {
                    b.append_values_iter(l.iter().map(|s| s.as_ref()));
                }
                b.finish().into_series()
            }
        };
        series.into()
    }
}

/// A table: columns of equal length.
#[derive(Debug, Clone, Default)]
pub struct Table<'a> {
    /// Columns in output order.
    pub cols: Vec<Col<'a>>,
}

impl<'a> Table<'a> {
    /// Builds a table from columns.
    pub fn new(cols: Vec<Col<'a>>) -> Table<'a> {
        Table { cols }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.cols.first().map(Col::len).unwrap_or(0)
    }

    fn frame(&self, for_csv: bool) -> PolarsResult<DataFrame> {
        DataFrame::new(self.rows(), self.cols.iter().map(|c| c.to_column(for_csv)).collect())
    }

    /// Writes the table as Parquet (zstd, statistics on) at polars' oldest compatibility level,
    /// so that pandas, pyarrow, DuckDB and polars all open it with their default arguments.
    pub fn write_parquet(&self, path: &Path) -> PolarsResult<()> {
        use polars_parquet::write::{
            CompressionOptions, FileWriter, RowGroupIterator, StatisticsOptions, Version, WriteOptions,
            get_dtype_encoding,
        };
        let mut df = self.frame(false)?;
        df.rechunk_mut();
        let level = CompatLevel::oldest();
        let schema: ArrowSchema = df
            .columns()
            .iter()
            .map(|c| {
                let f = c.dtype().to_arrow_field(c.name().clone(), level);
                (f.name.clone(), f)
            })
            .collect();
        let options = WriteOptions {
            statistics: StatisticsOptions::default(),
            compression: CompressionOptions::Zstd(None),
            version: Version::V1,
            data_page_size: None,
        };
        let encodings = schema.iter_values().map(|f| get_dtype_encoding(&f.dtype)).collect();
        let batches: Vec<_> = df.iter_chunks(level, false).filter(|b| !b.is_empty()).collect();
        let rows: Vec<usize> = batches.iter().map(|b| b.len()).collect();
        let groups = RowGroupIterator::try_new(batches.into_iter().map(Ok), &schema, options, encodings)?;
        let mut file = KeepIoError { inner: File::create(path)?, first: None };
        let written = (|| {
            let mut writer = FileWriter::try_new(&mut file, schema, options)?;
            for (group, rows) in groups.zip(rows) {
                writer.write(rows as u64, group?)?;
            }
            writer.end(None)?;
            PolarsResult::Ok(())
        })();
        // The Parquet writer reports a failed write as a Thrift "transport error"; the OS error
        // (a full disk, a quota) is what the user can act on.
        match (written, file.first) {
            (Err(_), Some(io)) => Err(io.into()),
            (r, _) => r,
        }
    }

    /// Writes the table as CSV with a header; cells are neutralised against formula injection.
    /// `bom` starts the file with a UTF-8 byte order mark (for Excel; `[run] csv_bom`).
    pub fn write_csv(&self, path: &Path, bom: bool) -> PolarsResult<()> {
        let mut df = self.frame(true)?;
        let mut file = File::create(path)?;
        CsvWriter::new(&mut file).include_header(true).include_bom(bom).finish(&mut df)?;
        Ok(())
    }
}

/// A writer that remembers the first I/O error passed through it.
struct KeepIoError<W> {
    inner: W,
    first: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for KeepIoError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            self.first.get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.first.get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_neutralised_and_lists_joined() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Table::new(vec![
            Col::str("name", vec!["=cmd|' /C calc'!A0", "plain"]),
            Col::list("skills", vec![vec!["a", "b"], vec![]]),
            Col::f64("score", vec![0.5, 0.25]),
        ]);
        let p = dir.path().join("t.csv");
        t.write_csv(&p, false).expect("write csv");
        let text = std::fs::read_to_string(&p).expect("read back");
        assert!(text.starts_with("name,skills,score\n"), "{text}");
        assert!(text.contains("'=cmd"), "{text}");
        assert!(text.contains("a;b"), "{text}");
    }

    #[test]
    fn parquet_round_trips_list_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Table::new(vec![Col::str("id", vec!["x"]), Col::list("skills", vec![vec!["a", "b"]])]);
        let p = dir.path().join("t.parquet");
        t.write_parquet(&p).expect("write parquet");
        let df = ParquetReader::new(File::open(&p).expect("open")).finish().expect("read parquet");
        assert_eq!(df.height(), 1);
        assert!(matches!(df.column("skills").expect("col").dtype(), DataType::List(_)));
    }
}
