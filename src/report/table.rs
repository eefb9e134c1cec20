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
    /// Lists of text that rows share: each row borrows its list (no list made per row).
    SharedList(Vec<&'a [String]>),
    /// Booleans (CSV: `true` / `false`).
    Bool(Vec<bool>),
}

impl<'a> Values<'a> {
    /// Rows `rows` of these values, borrowed (every range a table passes is within its rows).
    fn slice(&self, rows: std::ops::Range<usize>) -> ValuesRef<'_, 'a> {
        match self {
            Values::Str(v) => ValuesRef::Str(&v[rows]),
            Values::OptStr(v) => ValuesRef::OptStr(&v[rows]),
            Values::U64(v) => ValuesRef::U64(&v[rows]),
            Values::F64(v) => ValuesRef::F64(&v[rows]),
            Values::List(v) => ValuesRef::List(&v[rows]),
            Values::SharedList(v) => ValuesRef::SharedList(&v[rows]),
            Values::Bool(v) => ValuesRef::Bool(&v[rows]),
        }
    }
}

/// Some rows of a column's [`Values`].
enum ValuesRef<'v, 'a> {
    Str(&'v [Text<'a>]),
    OptStr(&'v [Option<Text<'a>>]),
    U64(&'v [u64]),
    F64(&'v [f64]),
    List(&'v [Vec<Text<'a>>]),
    SharedList(&'v [&'a [String]]),
    Bool(&'v [bool]),
}

/// Rows turned into polars columns at once when writing CSV: the CSV of a report with millions
/// of rows is written slice by slice, so polars never holds a copy of the whole table.
pub const CSV_SLICE_ROWS: usize = 65_536;

/// Rows per row group of a Parquet file written slice by slice ([`Table::write_parquet_built`]):
/// only one slice's columns are ever built.
pub const PARQUET_SLICE_ROWS: usize = 262_144;

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

    /// A list column whose rows borrow lists they share (a role's sources on each of its skill rows).
    pub fn shared_list(name: &'static str, v: Vec<&'a [String]>) -> Col<'a> {
        Col { name, values: Values::SharedList(v) }
    }

    fn len(&self) -> usize {
        match &self.values {
            Values::Str(v) => v.len(),
            Values::OptStr(v) => v.len(),
            Values::U64(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::List(v) => v.len(),
            Values::SharedList(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// The polars column of rows `rows` (CSV: cells neutralised, lists joined).
    fn to_column(&self, for_csv: bool, rows: std::ops::Range<usize>) -> Column {
        let name: PlSmallStr = self.name.into();
        let series = match self.values.slice(rows) {
            ValuesRef::Str(v) if for_csv => {
                StringChunked::from_iter_values(name, v.iter().map(|s| crate::util::csv_safe(s))).into_series()
            }
            ValuesRef::Str(v) => StringChunked::from_slice(name, v).into_series(),
            ValuesRef::OptStr(v) if for_csv => {
                StringChunked::from_iter_options(name, v.iter().map(|o| o.as_deref().map(crate::util::csv_safe)))
                    .into_series()
            }
            ValuesRef::OptStr(v) => StringChunked::from_slice_options(name, v).into_series(),
            // INT64, not UINT64: some readers (Spark, older pandas paths) have no unsigned 64-bit type.
            ValuesRef::U64(v) => {
                Series::new(name, v.iter().map(|&n| i64::try_from(n).unwrap_or(i64::MAX)).collect::<Vec<i64>>())
            }
            ValuesRef::F64(v) => Series::new(name, v),
            ValuesRef::Bool(v) => Series::new(name, v),
            ValuesRef::SharedList(v) if for_csv => StringChunked::from_iter_values(
                name,
                v.iter().map(|l| crate::util::csv_safe(&l.join(";")).into_owned()),
            )
            .into_series(),
            ValuesRef::SharedList(v) => {
                let values: usize = v.iter().map(|l| l.len()).sum();
                let mut b = ListStringChunkedBuilder::new(name, v.len(), values);
                for l in v {
                    b.append_values_iter(l.iter().map(String::as_str));
                }
                b.finish().into_series()
            }
            ValuesRef::List(v) if for_csv => StringChunked::from_iter_values(
                name,
                v.iter().map(|l| crate::util::csv_safe(&l.join(";")).into_owned()),
            )
            .into_series(),
            ValuesRef::List(v) => {
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

    /// Rows `rows` as a polars frame.
    fn frame(&self, for_csv: bool, rows: std::ops::Range<usize>) -> PolarsResult<DataFrame> {
        DataFrame::new(rows.len(), self.cols.iter().map(|c| c.to_column(for_csv, rows.clone())).collect())
    }

    /// Writes the table as Parquet (zstd, statistics on) at polars' oldest compatibility level,
    /// so that pandas, pyarrow, DuckDB and polars all open it with their default arguments. The
    /// file holds one row group.
    pub fn write_parquet(&self, path: &Path) -> PolarsResult<()> {
        write_parquet_frames(path, std::iter::once(self.frame(false, 0..self.rows()))).map(|_| ())
    }

    /// Writes as Parquet (as [`Table::write_parquet`]) the table that `build` makes of `units`
    /// rows, [`PARQUET_SLICE_ROWS`] rows at a time, each slice one row group: only one slice's
    /// cells ever exist, for tables of millions of rows. The rows read back are those of one
    /// [`Table::write_parquet`] of the whole table (and so are the bytes when the table fits one
    /// slice); returns the number of rows written.
    pub fn write_parquet_built<'t>(
        path: &Path,
        units: usize,
        build: impl Fn(std::ops::Range<usize>) -> Table<'t>,
    ) -> PolarsResult<usize> {
        write_parquet_in_slices(path, units, PARQUET_SLICE_ROWS, build)
    }

    /// Writes the table as CSV with a header; cells are neutralised against formula injection.
    /// `bom` starts the file with a UTF-8 byte order mark (for Excel; `[run] csv_bom`).
    ///
    /// Written [`CSV_SLICE_ROWS`] rows at a time (the header and BOM with the first slice), so
    /// that only one slice is ever copied into polars; the bytes are those of one whole write.
    pub fn write_csv(&self, path: &Path, bom: bool) -> PolarsResult<()> {
        self.write_csv_in_slices(path, bom, CSV_SLICE_ROWS)
    }

    /// [`Table::write_csv`], `slice` rows at a time (at least 1).
    fn write_csv_in_slices(&self, path: &Path, bom: bool, slice: usize) -> PolarsResult<()> {
        write_csv_frames(path, bom, self.rows(), slice, |rows| self.frame(true, rows)).map(|_| ())
    }

    /// Writes as CSV the table that `build` makes of `units` units (rows, pairs, credentials:
    /// whatever one call turns into rows), [`CSV_SLICE_ROWS`] units at a time: only one slice's
    /// cells ever exist, for tables of millions of rows. The bytes are those of one
    /// [`Table::write_csv`] of the whole table; returns the number of rows written.
    pub fn write_csv_built<'t>(
        path: &Path,
        bom: bool,
        units: usize,
        build: impl Fn(std::ops::Range<usize>) -> Table<'t>,
    ) -> PolarsResult<usize> {
        write_csv_frames(path, bom, units, CSV_SLICE_ROWS, |range| {
            let t = build(range);
            t.frame(true, 0..t.rows())
        })
    }
}

/// [`Table::write_parquet_built`], `slice` rows at a time (at least 1).
fn write_parquet_in_slices<'t>(
    path: &Path,
    units: usize,
    slice: usize,
    build: impl Fn(std::ops::Range<usize>) -> Table<'t>,
) -> PolarsResult<usize> {
    write_parquet_frames(
        path,
        slices(units, slice).map(|range| {
            let t = build(range);
            t.frame(false, 0..t.rows())
        }),
    )
}

/// `0..units` cut into consecutive ranges of `size` units (at least 1), the last one shorter;
/// one empty range when there are no units, so that a writer still writes its header or schema.
fn slices(units: usize, size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    let size = size.max(1);
    (0..units.max(1)).step_by(size).map(move |start| start..units.min(start.saturating_add(size)))
}

/// Writes `frames` (at least one; all with the first one's columns) as one Parquet file, each
/// frame one row group (none for an empty frame); returns the rows written.
fn write_parquet_frames(path: &Path, mut frames: impl Iterator<Item = PolarsResult<DataFrame>>) -> PolarsResult<usize> {
    use polars_parquet::write::{
        CompressionOptions, FileWriter, RowGroupIterator, StatisticsOptions, Version, WriteOptions, get_dtype_encoding,
    };
    let first = frames.next().unwrap_or_else(|| Ok(DataFrame::empty()))?;
    let level = CompatLevel::oldest();
    let schema: ArrowSchema = first
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
    let encodings: Vec<_> = schema.iter_values().map(|f| get_dtype_encoding(&f.dtype)).collect();
    let mut file = KeepIoError { inner: File::create(path)?, first: None };
    let written = (|| {
        let mut writer = FileWriter::try_new(&mut file, schema.clone(), options)?;
        let mut total = 0usize;
        for df in std::iter::once(Ok(first)).chain(frames) {
            let mut df = df?;
            df.rechunk_mut();
            let batches: Vec<_> = df.iter_chunks(level, false).filter(|b| !b.is_empty()).collect();
            let rows: Vec<usize> = batches.iter().map(|b| b.len()).collect();
            let groups =
                RowGroupIterator::try_new(batches.into_iter().map(Ok), &schema, options, encodings.clone().into())?;
            for (group, rows) in groups.zip(rows) {
                writer.write(rows as u64, group?)?;
                total += rows;
            }
        }
        writer.end(None)?;
        PolarsResult::Ok(total)
    })();
    // The Parquet writer reports a failed write as a Thrift "transport error"; the OS error
    // (a full disk, a quota) is what the user can act on.
    match (written, file.first) {
        (Err(_), Some(io)) => Err(io.into()),
        (r, _) => r,
    }
}

/// Writes the frames `frame` makes of `units` units, `slice` units at a time (at least 1, and
/// once for no units: the header), as one CSV (header and BOM with the first); returns the rows.
fn write_csv_frames(
    path: &Path,
    bom: bool,
    units: usize,
    slice: usize,
    mut frame: impl FnMut(std::ops::Range<usize>) -> PolarsResult<DataFrame>,
) -> PolarsResult<usize> {
    let mut file = std::io::BufWriter::new(File::create(path)?);
    let mut rows = 0usize;
    for range in slices(units, slice) {
        let first = range.start == 0;
        let mut df = frame(range)?;
        rows += df.height();
        CsvWriter::new(&mut file).include_header(first).include_bom(bom && first).finish(&mut df)?;
    }
    std::io::Write::flush(&mut file)?;
    Ok(rows)
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
    fn slices_cover_every_unit_once_in_order_and_give_an_empty_table_one_empty_slice() {
        let all = |units, size| slices(units, size).collect::<Vec<_>>();
        assert_eq!(all(7, 3), vec![0..3, 3..6, 6..7]);
        assert_eq!(all(6, 3), vec![0..3, 3..6]);
        assert_eq!(all(2, 5), vec![0..2]);
        assert_eq!(all(0, 3), vec![0..0], "no units: one empty slice, for the header or schema");
        assert_eq!(all(2, 0), vec![0..1, 1..2], "a size of 0 is taken as 1");
    }

    #[test]
    fn csv_written_slice_by_slice_is_byte_identical_to_one_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = 10;
        let t = Table::new(vec![
            Col::str("id", (0..n).map(|i| format!("r{i}")).collect()),
            Col::opt("where", (0..n).map(|i| (i % 3 == 0).then(|| format!("@city {i}"))).collect()),
            Col::u64("rank", (0..n as u64).collect()),
            Col::f64("score", (0..n).map(|i| i as f64 / 7.0).collect()),
            Col::bool("thin", (0..n).map(|i| i % 2 == 0).collect()),
            Col::list("skills", (0..n).map(|i| (0..i % 4).map(|k| format!("s, \"{k}\"")).collect()).collect()),
        ]);
        let read = |slice: usize, bom: bool| {
            let p = dir.path().join(format!("t{slice}{bom}.csv"));
            t.write_csv_in_slices(&p, bom, slice).expect("write csv");
            std::fs::read(&p).expect("read back")
        };
        for bom in [false, true] {
            let whole = read(usize::MAX, bom);
            assert_eq!(String::from_utf8_lossy(&whole).lines().count(), n + 1);
            for slice in [1, 3, 9, 10, 11] {
                assert_eq!(read(slice, bom), whole, "{slice} rows a slice, bom {bom}");
            }
        }
        let empty = Table::new(vec![Col::str("id", Vec::<String>::new()), Col::u64("rank", vec![])]);
        let p = dir.path().join("empty.csv");
        empty.write_csv_in_slices(&p, false, 3).expect("write csv");
        assert_eq!(std::fs::read_to_string(&p).expect("read back"), "id,rank\n");
    }

    /// Rows `rows` of a table with every kind of column (nulls and empty lists included).
    fn sample(rows: std::ops::Range<usize>) -> Table<'static> {
        Table::new(vec![
            Col::str("id", rows.clone().map(|i| format!("r{i}")).collect()),
            Col::opt("where", rows.clone().map(|i| (i % 3 == 0).then(|| format!("city {i}"))).collect()),
            Col::u64("rank", rows.clone().map(|i| i as u64).collect()),
            Col::f64("score", rows.clone().map(|i| i as f64 / 7.0).collect()),
            Col::bool("thin", rows.clone().map(|i| i % 2 == 0).collect()),
            Col::list("skills", rows.map(|i| (0..i % 4).map(|k| format!("s{k}")).collect()).collect()),
        ])
    }

    #[test]
    fn parquet_written_slice_by_slice_reads_back_as_one_write_with_a_row_group_a_slice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = 10;
        let read = |p: &Path| {
            let mut reader = ParquetReader::new(File::open(p).expect("open"));
            let groups = reader.get_metadata().expect("metadata").row_groups.len();
            (reader.finish().expect("read parquet"), groups)
        };
        let whole_path = dir.path().join("whole.parquet");
        sample(0..n).write_parquet(&whole_path).expect("write parquet");
        let (whole, groups) = read(&whole_path);
        assert_eq!((whole.height(), groups), (n, 1));
        for (slice, expected_groups) in [(1, 10), (3, 4), (9, 2), (10, 1), (11, 1)] {
            let p = dir.path().join(format!("s{slice}.parquet"));
            let rows = write_parquet_in_slices(&p, n, slice, sample).expect("write parquet");
            let (df, groups) = read(&p);
            assert_eq!(rows, n);
            assert!(df.equals_missing(&whole), "{slice} rows a slice:\n{df}\n{whole}");
            assert_eq!(groups, expected_groups, "{slice} rows a slice");
            if slice >= n {
                let same = std::fs::read(&p).expect("read") == std::fs::read(&whole_path).expect("read");
                assert!(same, "one slice writes the bytes of one write");
            }
        }
        let p = dir.path().join("empty.parquet");
        assert_eq!(write_parquet_in_slices(&p, 0, 3, sample).expect("write parquet"), 0);
        let (empty, groups) = read(&p);
        assert_eq!((empty.height(), groups), (0, 0));
        assert_eq!(empty.schema(), whole.schema());
    }

    #[test]
    fn a_shared_list_column_writes_the_same_bytes_as_a_list_of_copies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lists: Vec<Vec<String>> = vec![vec!["a.json#1".into(), "=b".into()], vec![], vec!["c".into()]];
        let rows = [0usize, 0, 1, 2, 2, 2];
        let shared = Table::new(vec![Col::shared_list("sources", rows.iter().map(|&i| lists[i].as_slice()).collect())]);
        let copied = Table::new(vec![Col::list("sources", rows.iter().map(|&i| lists[i].clone()).collect())]);
        let write = |t: &Table, name: &str| {
            let (csv, parquet) = (dir.path().join(format!("{name}.csv")), dir.path().join(format!("{name}.parquet")));
            t.write_csv(&csv, false).expect("write csv");
            t.write_parquet(&parquet).expect("write parquet");
            (std::fs::read(csv).expect("csv"), std::fs::read(parquet).expect("parquet"))
        };
        let (a, b) = (write(&shared, "shared"), write(&copied, "copied"));
        assert_eq!(a.0, b.0, "CSV");
        assert_eq!(a.1, b.1, "Parquet");
        assert!(String::from_utf8_lossy(&a.0).contains("\na.json#1;=b\n"), "{}", String::from_utf8_lossy(&a.0));
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
