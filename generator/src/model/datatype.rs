//! Column data types: the type-string grammar of MODEL.md "Types" (parsing, canonical
//! display with aliases normalized) and the widening relation of DESIGN.md.

use std::fmt;
use std::hash::{Hash, Hasher};

/// Deepest nesting of composite types (`array`, `map`, `struct`) the parser accepts.
pub const MAX_DEPTH: usize = 64;
/// Largest bit width of `int(bits)` / `uint(bits)`.
pub const MAX_INT_BITS: u16 = 256;
/// Largest precision of `decimal(size, scale)` (the widest decimal any target stores).
pub const MAX_DECIMAL_SIZE: u8 = 76;

/// A floating-point format: the 13 scalar formats of the widening table plus the 5 MX
/// (block-scaled) formats, which widen only to themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FloatFormat {
    Fp4E2m1,
    Fp6E2m3,
    Fp6E3m2,
    Fp8E4m3,
    Fp8E5m2,
    Fp8E4m3Fnuz,
    Fp8E5m2Fnuz,
    Fp8E8m0,
    Ieee16,
    Ieee32,
    Ieee64,
    Ieee128,
    Ieee256,
    Mxfp8E4m3,
    Mxfp8E5m2,
    Mxfp6E2m3,
    Mxfp6E3m2,
    Mxfp4E2m1,
}

impl FloatFormat {
    /// Every format, the 13 scalar ones first (in the order of DESIGN.md's table), then MX.
    pub const ALL: [FloatFormat; 18] = [
        FloatFormat::Fp4E2m1,
        FloatFormat::Fp6E2m3,
        FloatFormat::Fp6E3m2,
        FloatFormat::Fp8E4m3,
        FloatFormat::Fp8E5m2,
        FloatFormat::Fp8E4m3Fnuz,
        FloatFormat::Fp8E5m2Fnuz,
        FloatFormat::Fp8E8m0,
        FloatFormat::Ieee16,
        FloatFormat::Ieee32,
        FloatFormat::Ieee64,
        FloatFormat::Ieee128,
        FloatFormat::Ieee256,
        FloatFormat::Mxfp8E4m3,
        FloatFormat::Mxfp8E5m2,
        FloatFormat::Mxfp6E2m3,
        FloatFormat::Mxfp6E3m2,
        FloatFormat::Mxfp4E2m1,
    ];

    /// The canonical (lower-case) name.
    pub fn name(self) -> &'static str {
        match self {
            FloatFormat::Fp4E2m1 => "fp4_e2m1",
            FloatFormat::Fp6E2m3 => "fp6_e2m3",
            FloatFormat::Fp6E3m2 => "fp6_e3m2",
            FloatFormat::Fp8E4m3 => "fp8_e4m3",
            FloatFormat::Fp8E5m2 => "fp8_e5m2",
            FloatFormat::Fp8E4m3Fnuz => "fp8_e4m3fnuz",
            FloatFormat::Fp8E5m2Fnuz => "fp8_e5m2fnuz",
            FloatFormat::Fp8E8m0 => "fp8_e8m0",
            FloatFormat::Ieee16 => "ieee16",
            FloatFormat::Ieee32 => "ieee32",
            FloatFormat::Ieee64 => "ieee64",
            FloatFormat::Ieee128 => "ieee128",
            FloatFormat::Ieee256 => "ieee256",
            FloatFormat::Mxfp8E4m3 => "mxfp8_e4m3",
            FloatFormat::Mxfp8E5m2 => "mxfp8_e5m2",
            FloatFormat::Mxfp6E2m3 => "mxfp6_e2m3",
            FloatFormat::Mxfp6E3m2 => "mxfp6_e3m2",
            FloatFormat::Mxfp4E2m1 => "mxfp4_e2m1",
        }
    }

    /// The format named `name` (canonical names only, lower case; `float`/`double` are
    /// handled by [`parse_type`]).
    pub fn from_name(name: &str) -> Option<FloatFormat> {
        FloatFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// True for the MX (microscaling, block-scaled) formats.
    pub fn is_mx(self) -> bool {
        matches!(
            self,
            FloatFormat::Mxfp8E4m3
                | FloatFormat::Mxfp8E5m2
                | FloatFormat::Mxfp6E2m3
                | FloatFormat::Mxfp6E3m2
                | FloatFormat::Mxfp4E2m1
        )
    }

    /// The width of an IEEE 754 binary format, `None` for the others.
    pub fn ieee_bits(self) -> Option<u16> {
        match self {
            FloatFormat::Ieee16 => Some(16),
            FloatFormat::Ieee32 => Some(32),
            FloatFormat::Ieee64 => Some(64),
            FloatFormat::Ieee128 => Some(128),
            FloatFormat::Ieee256 => Some(256),
            _ => None,
        }
    }
}

impl fmt::Display for FloatFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The shape constraint of a `geography`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GeoShape {
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    GeometryCollection,
}

impl GeoShape {
    pub const ALL: [GeoShape; 7] = [
        GeoShape::Point,
        GeoShape::LineString,
        GeoShape::Polygon,
        GeoShape::MultiPoint,
        GeoShape::MultiLineString,
        GeoShape::MultiPolygon,
        GeoShape::GeometryCollection,
    ];

    /// The canonical (lower-case) name.
    pub fn name(self) -> &'static str {
        match self {
            GeoShape::Point => "point",
            GeoShape::LineString => "linestring",
            GeoShape::Polygon => "polygon",
            GeoShape::MultiPoint => "multipoint",
            GeoShape::MultiLineString => "multilinestring",
            GeoShape::MultiPolygon => "multipolygon",
            GeoShape::GeometryCollection => "geometrycollection",
        }
    }

    fn from_name(name: &str) -> Option<GeoShape> {
        GeoShape::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for GeoShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The fields of a `struct<...>` type: names unique (case-insensitively) and valid
/// identifiers. Declaration order is kept for display, but equality and hashing ignore it
/// ("identical field set").
#[derive(Debug, Clone)]
pub struct StructFields(Vec<(String, DataType)>);

impl StructFields {
    /// Checks names (identifier rule, no duplicates ignoring case) and that there is at
    /// least one field.
    pub fn new(fields: Vec<(String, DataType)>) -> Result<StructFields, TypeError> {
        if fields.is_empty() {
            return Err(TypeError::EmptyStruct);
        }
        for (i, (name, _)) in fields.iter().enumerate() {
            if !is_field_name(name) {
                return Err(TypeError::InvalidFieldName { name: name.clone() });
            }
            if let Some((first, _)) = fields[..i]
                .iter()
                .find(|(other, _)| other.eq_ignore_ascii_case(name))
            {
                return Err(TypeError::DuplicateField {
                    name: name.clone(),
                    first: first.clone(),
                });
            }
        }
        Ok(StructFields(fields))
    }

    /// The fields in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &DataType)> {
        self.0.iter().map(|(n, t)| (n.as_str(), t))
    }

    /// The type of field `name` (exact, case-sensitive match).
    pub fn get(&self, name: &str) -> Option<&DataType> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn sorted(&self) -> Vec<&(String, DataType)> {
        let mut v: Vec<_> = self.0.iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

impl PartialEq for StructFields {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .all(|(n, t)| other.get(n).is_some_and(|o| o == t))
    }
}

impl Eq for StructFields {}

impl Hash for StructFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let sorted = self.sorted();
        sorted.len().hash(state);
        for (n, t) in sorted {
            n.hash(state);
            t.hash(state);
        }
    }
}

/// A column type. Aliases are normalized on parsing (`integer` is `Int { bits: 32 }`,
/// `string(n)` is `NVarChar(Some(n))`, `double` is `Float(Ieee64)`, ...). A `None` size
/// means unlimited.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataType {
    Boolean,
    /// Signed integer of `bits` bits (`tinyint` = 8, `smallint` = 16, `integer` = 32,
    /// `bigint` = 64).
    Int {
        bits: u16,
    },
    /// Unsigned integer of `bits` bits.
    UInt {
        bits: u16,
    },
    /// `decimal(size, scale)`: `size` digits in all, `scale` of them after the point.
    Decimal {
        size: u8,
        scale: u8,
    },
    Float(FloatFormat),
    Char(Option<u32>),
    VarChar(Option<u32>),
    NChar(Option<u32>),
    /// Also spelled `string(n?)`.
    NVarChar(Option<u32>),
    Date,
    /// `timestamp` (UTC, `tz == false`) or `timestamp(tz)`.
    Timestamp {
        tz: bool,
    },
    Interval,
    /// JSON, with an optional size.
    Variant(Option<u32>),
    Binary(Option<u32>),
    Array {
        size: Option<u32>,
        element: Box<DataType>,
    },
    Vector {
        dims: u32,
    },
    Map {
        key: Box<DataType>,
        value: Box<DataType>,
    },
    Struct(StructFields),
    Geography {
        srid: Option<u32>,
        shape: Option<GeoShape>,
    },
}

impl DataType {
    /// `int(bits)` or `uint(bits)` (and the aliases).
    pub fn is_integer(&self) -> bool {
        matches!(self, DataType::Int { .. } | DataType::UInt { .. })
    }

    /// `date` or `timestamp` (with or without `tz`).
    pub fn is_temporal(&self) -> bool {
        matches!(self, DataType::Date | DataType::Timestamp { .. })
    }

    /// A type a watermark column may have: an integer or a timestamp.
    pub fn is_timestamp_or_integer(&self) -> bool {
        self.is_integer() || matches!(self, DataType::Timestamp { .. })
    }

    /// Any floating-point format, MX included.
    pub fn is_float(&self) -> bool {
        matches!(self, DataType::Float(_))
    }

    /// `char`, `varchar`, `nchar` or `nvarchar` (`string`).
    pub fn is_string(&self) -> bool {
        matches!(
            self,
            DataType::Char(_) | DataType::VarChar(_) | DataType::NChar(_) | DataType::NVarChar(_)
        )
    }
}

fn write_size(f: &mut fmt::Formatter<'_>, name: &str, size: Option<u32>) -> fmt::Result {
    match size {
        Some(n) => write!(f, "{name}({n})"),
        None => f.write_str(name),
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Boolean => f.write_str("boolean"),
            DataType::Int { bits } => write!(f, "int({bits})"),
            DataType::UInt { bits } => write!(f, "uint({bits})"),
            DataType::Decimal { size, scale } => write!(f, "decimal({size}, {scale})"),
            DataType::Float(ff) => f.write_str(ff.name()),
            DataType::Char(n) => write_size(f, "char", *n),
            DataType::VarChar(n) => write_size(f, "varchar", *n),
            DataType::NChar(n) => write_size(f, "nchar", *n),
            DataType::NVarChar(n) => write_size(f, "nvarchar", *n),
            DataType::Date => f.write_str("date"),
            DataType::Timestamp { tz: false } => f.write_str("timestamp"),
            DataType::Timestamp { tz: true } => f.write_str("timestamp(tz)"),
            DataType::Interval => f.write_str("interval"),
            DataType::Variant(n) => write_size(f, "variant", *n),
            DataType::Binary(n) => write_size(f, "binary", *n),
            DataType::Array {
                size: Some(n),
                element,
            } => write!(f, "array({n}, {element})"),
            DataType::Array {
                size: None,
                element,
            } => write!(f, "array({element})"),
            DataType::Vector { dims } => write!(f, "vector({dims})"),
            DataType::Map { key, value } => write!(f, "map({key}, {value})"),
            DataType::Struct(fields) => {
                f.write_str("struct<")?;
                for (i, (name, ty)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}: {ty}")?;
                }
                f.write_str(">")
            }
            DataType::Geography { srid, shape } => match (srid, shape) {
                (None, None) => f.write_str("geography"),
                (Some(s), None) => write!(f, "geography({s})"),
                (None, Some(h)) => write!(f, "geography({h})"),
                (Some(s), Some(h)) => write!(f, "geography({s}, {h})"),
            },
        }
    }
}

/// Why a type string does not parse. Columns are 1-based character positions in the
/// type string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    /// The string is empty or blank.
    Empty,
    /// A character that no token starts with.
    UnexpectedChar { ch: char, column: usize },
    /// A name that is not a type.
    UnknownType {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// A name that is not a geography shape.
    UnknownShape {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// Something else was expected at `column`.
    Expected {
        expected: String,
        found: String,
        column: usize,
    },
    /// A type that requires arguments was written without them.
    MissingArguments { ty: String, usage: &'static str },
    /// A type that takes no arguments was given some.
    UnexpectedArguments { ty: String },
    /// A number that does not fit in 64 bits.
    NumberTooLarge { text: String, column: usize },
    /// A size, bit width, precision, dimension count or srid outside its range.
    OutOfRange {
        what: String,
        value: u64,
        min: u64,
        max: u64,
    },
    /// `decimal(size, scale)` with scale > size.
    ScaleExceedsSize { scale: u64, size: u64 },
    /// Two struct fields with the same name (ignoring case).
    DuplicateField { name: String, first: String },
    /// A struct field name that is not an identifier.
    InvalidFieldName { name: String },
    /// `struct<>`.
    EmptyStruct,
    /// Composite types nested deeper than [`MAX_DEPTH`].
    TooDeep { limit: usize },
    /// Input left after a complete type.
    TrailingInput { found: String, column: usize },
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeError::Empty => {
                f.write_str("empty type; expected a type such as `int(32)` or `nvarchar(100)`")
            }
            TypeError::UnexpectedChar { ch, column } => {
                write!(f, "unexpected character {ch:?} at column {column}")
            }
            TypeError::UnknownType { name, suggestion } => {
                write!(f, "unknown type `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            TypeError::UnknownShape { name, suggestion } => {
                write!(f, "unknown geography shape `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => write!(
                        f,
                        "; expected one of point, linestring, polygon, multipoint, \
                         multilinestring, multipolygon, geometrycollection"
                    ),
                }
            }
            TypeError::Expected {
                expected,
                found,
                column,
            } => write!(f, "expected {expected} at column {column}, found {found}"),
            TypeError::MissingArguments { ty, usage } => {
                write!(f, "`{ty}` needs arguments: {usage}")
            }
            TypeError::UnexpectedArguments { ty } => write!(f, "`{ty}` takes no arguments"),
            TypeError::NumberTooLarge { text, column } => {
                write!(f, "number `{text}` at column {column} is too large")
            }
            TypeError::OutOfRange {
                what,
                value,
                min,
                max,
            } => {
                if *value < *min && *min == 1 {
                    write!(f, "{what} must be positive, got {value}")
                } else {
                    write!(f, "{what} must be between {min} and {max}, got {value}")
                }
            }
            TypeError::ScaleExceedsSize { scale, size } => {
                write!(f, "decimal scale {scale} exceeds size {size}")
            }
            TypeError::DuplicateField { name, first } => {
                if name == first {
                    write!(f, "duplicate struct field `{name}`")
                } else {
                    write!(
                        f,
                        "duplicate struct field `{name}` (same as `{first}`; field names \
                         are compared ignoring case)"
                    )
                }
            }
            TypeError::InvalidFieldName { name } => write!(
                f,
                "invalid struct field name `{name}`: it must start with a letter and hold \
                 only letters, digits and `_` (at most 128 characters)"
            ),
            TypeError::EmptyStruct => f.write_str("a struct needs at least one field"),
            TypeError::TooDeep { limit } => {
                write!(f, "type nested more than {limit} levels deep")
            }
            TypeError::TrailingInput { found, column } => write!(
                f,
                "unexpected {found} at column {column} after a complete type"
            ),
        }
    }
}

impl std::error::Error for TypeError {}

fn is_field_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// Every type keyword, aliases included (for "did you mean" suggestions).
const TYPE_NAMES: &[&str] = &[
    "boolean",
    "tinyint",
    "smallint",
    "integer",
    "bigint",
    "int",
    "uint",
    "decimal",
    "float",
    "double",
    "ieee16",
    "ieee32",
    "ieee64",
    "ieee128",
    "ieee256",
    "fp8_e4m3",
    "fp8_e5m2",
    "fp8_e4m3fnuz",
    "fp8_e5m2fnuz",
    "fp8_e8m0",
    "fp6_e2m3",
    "fp6_e3m2",
    "fp4_e2m1",
    "mxfp8_e4m3",
    "mxfp8_e5m2",
    "mxfp6_e2m3",
    "mxfp6_e3m2",
    "mxfp4_e2m1",
    "char",
    "varchar",
    "nchar",
    "nvarchar",
    "string",
    "date",
    "timestamp",
    "interval",
    "variant",
    "binary",
    "array",
    "vector",
    "map",
    "struct",
    "geography",
];

const SHAPE_NAMES: &[&str] = &[
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
];

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, cell) in d.iter_mut().step_by(w).enumerate() {
        *cell = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

fn suggest(name: &str, candidates: &'static [&'static str]) -> Option<&'static str> {
    // Long inputs cannot be close to any candidate; skip the quadratic work.
    if name.chars().count() > 40 {
        return None;
    }
    let limit = if name.chars().count() <= 3 { 1 } else { 2 };
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(String),
    Punct(char),
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    column: usize,
}

impl Token {
    fn describe(&self) -> String {
        match &self.tok {
            Tok::Ident(s) | Tok::Num(s) => format!("`{}`", truncate(s)),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::End => "end of input".to_string(),
        }
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        let mut t: String = s.chars().take(40).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

fn tokenize(s: &str) -> Result<Vec<Token>, TypeError> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Token {
                tok: Tok::Ident(chars[start..i].iter().collect()),
                column,
            });
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            toks.push(Token {
                tok: Tok::Num(chars[start..i].iter().collect()),
                column,
            });
        } else if matches!(c, '(' | ')' | '<' | '>' | ',' | ':') {
            toks.push(Token {
                tok: Tok::Punct(c),
                column,
            });
            i += 1;
        } else {
            return Err(TypeError::UnexpectedChar { ch: c, column });
        }
    }
    toks.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
    });
    Ok(toks)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with `End`, and `pos` never moves past it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn at_punct(&self, c: char) -> bool {
        self.peek().tok == Tok::Punct(c)
    }

    fn expected(&self, what: &str) -> TypeError {
        let t = self.peek();
        TypeError::Expected {
            expected: what.to_string(),
            found: t.describe(),
            column: t.column,
        }
    }

    fn expect_punct(&mut self, c: char) -> Result<(), TypeError> {
        if self.at_punct(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(&format!("`{c}`")))
        }
    }

    /// A number in `min..=max`; `what` names it in errors.
    fn number(&mut self, what: &str, min: u64, max: u64) -> Result<u64, TypeError> {
        let t = self.peek().clone();
        let Tok::Num(text) = &t.tok else {
            return Err(self.expected(&format!("a number ({what})")));
        };
        self.bump();
        let value: u64 = text.parse().map_err(|_| TypeError::NumberTooLarge {
            text: truncate(text),
            column: t.column,
        })?;
        if value < min || value > max {
            return Err(TypeError::OutOfRange {
                what: what.to_string(),
                value,
                min,
                max,
            });
        }
        Ok(value)
    }

    fn size(&mut self, ty: &str) -> Result<u32, TypeError> {
        let n = self.number(&format!("`{ty}` size"), 1, u64::from(u32::MAX))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// `(n)` or nothing.
    fn optional_size(&mut self, ty: &str) -> Result<Option<u32>, TypeError> {
        if !self.at_punct('(') {
            return Ok(None);
        }
        self.bump();
        let n = self.size(ty)?;
        self.expect_punct(')')?;
        Ok(Some(n))
    }

    fn no_args(&self, ty: &str, value: DataType) -> Result<DataType, TypeError> {
        if self.at_punct('(') || self.at_punct('<') {
            Err(TypeError::UnexpectedArguments { ty: ty.to_string() })
        } else {
            Ok(value)
        }
    }

    fn require_args(&self, ty: &str, open: char, usage: &'static str) -> Result<(), TypeError> {
        if self.at_punct(open) {
            Ok(())
        } else {
            Err(TypeError::MissingArguments {
                ty: ty.to_string(),
                usage,
            })
        }
    }

    fn parse_type(&mut self, depth: usize) -> Result<DataType, TypeError> {
        if depth > MAX_DEPTH {
            return Err(TypeError::TooDeep { limit: MAX_DEPTH });
        }
        let name = match &self.peek().tok {
            Tok::Ident(s) => s.clone(),
            _ => return Err(self.expected("a type name")),
        };
        self.bump();
        let lower = name.to_ascii_lowercase();
        let ty = lower.as_str();
        match ty {
            "boolean" => self.no_args(ty, DataType::Boolean),
            "tinyint" => self.no_args(ty, DataType::Int { bits: 8 }),
            "smallint" => self.no_args(ty, DataType::Int { bits: 16 }),
            "integer" => self.no_args(ty, DataType::Int { bits: 32 }),
            "bigint" => self.no_args(ty, DataType::Int { bits: 64 }),
            "int" | "uint" => {
                self.require_args(
                    ty,
                    '(',
                    if ty == "int" {
                        "`int(bits)`"
                    } else {
                        "`uint(bits)`"
                    },
                )?;
                self.bump();
                let bits = self.number(&format!("`{ty}` bit width"), 1, u64::from(MAX_INT_BITS))?;
                self.expect_punct(')')?;
                let bits = u16::try_from(bits).unwrap_or(MAX_INT_BITS);
                Ok(if ty == "int" {
                    DataType::Int { bits }
                } else {
                    DataType::UInt { bits }
                })
            }
            "decimal" => {
                self.require_args(ty, '(', "`decimal(size, scale)`")?;
                self.bump();
                let size = self.number("`decimal` size", 1, u64::from(MAX_DECIMAL_SIZE))?;
                self.expect_punct(',')?;
                let scale = self.number("`decimal` scale", 0, u64::from(MAX_DECIMAL_SIZE))?;
                self.expect_punct(')')?;
                if scale > size {
                    return Err(TypeError::ScaleExceedsSize { scale, size });
                }
                Ok(DataType::Decimal {
                    size: u8::try_from(size).unwrap_or(MAX_DECIMAL_SIZE),
                    scale: u8::try_from(scale).unwrap_or(MAX_DECIMAL_SIZE),
                })
            }
            "float" => self.no_args(ty, DataType::Float(FloatFormat::Ieee32)),
            "double" => self.no_args(ty, DataType::Float(FloatFormat::Ieee64)),
            "char" => Ok(DataType::Char(self.optional_size(ty)?)),
            "varchar" => Ok(DataType::VarChar(self.optional_size(ty)?)),
            "nchar" => Ok(DataType::NChar(self.optional_size(ty)?)),
            "nvarchar" | "string" => Ok(DataType::NVarChar(self.optional_size(ty)?)),
            "variant" => Ok(DataType::Variant(self.optional_size(ty)?)),
            "binary" => Ok(DataType::Binary(self.optional_size(ty)?)),
            "date" => self.no_args(ty, DataType::Date),
            "interval" => self.no_args(ty, DataType::Interval),
            "timestamp" => {
                if !self.at_punct('(') {
                    return Ok(DataType::Timestamp { tz: false });
                }
                self.bump();
                match &self.peek().tok {
                    Tok::Ident(s) if s.eq_ignore_ascii_case("tz") => {
                        self.bump();
                    }
                    _ => return Err(self.expected("`tz`")),
                }
                self.expect_punct(')')?;
                Ok(DataType::Timestamp { tz: true })
            }
            "array" => {
                self.require_args(ty, '(', "`array(T)` or `array(size, T)`")?;
                self.bump();
                let size = if matches!(self.peek().tok, Tok::Num(_)) {
                    let n = self.size(ty)?;
                    if !self.at_punct(',') {
                        return Err(self.expected("`,` and the element type"));
                    }
                    self.bump();
                    Some(n)
                } else {
                    None
                };
                let element = self.parse_type(depth + 1)?;
                self.expect_punct(')')?;
                Ok(DataType::Array {
                    size,
                    element: Box::new(element),
                })
            }
            "vector" => {
                self.require_args(ty, '(', "`vector(dims)`")?;
                self.bump();
                let dims = self.number("`vector` dims", 1, u64::from(u32::MAX))?;
                self.expect_punct(')')?;
                Ok(DataType::Vector {
                    dims: u32::try_from(dims).unwrap_or(u32::MAX),
                })
            }
            "map" => {
                self.require_args(ty, '(', "`map(K, V)`")?;
                self.bump();
                let key = self.parse_type(depth + 1)?;
                self.expect_punct(',')?;
                let value = self.parse_type(depth + 1)?;
                self.expect_punct(')')?;
                Ok(DataType::Map {
                    key: Box::new(key),
                    value: Box::new(value),
                })
            }
            "struct" => {
                self.require_args(ty, '<', "`struct<name: T, ...>`")?;
                self.bump();
                if self.at_punct('>') {
                    return Err(TypeError::EmptyStruct);
                }
                let mut fields = Vec::new();
                loop {
                    let field = match &self.peek().tok {
                        Tok::Ident(s) => s.clone(),
                        _ => return Err(self.expected("a field name")),
                    };
                    self.bump();
                    self.expect_punct(':')?;
                    let t = self.parse_type(depth + 1)?;
                    fields.push((field, t));
                    if self.at_punct(',') {
                        self.bump();
                    } else if self.at_punct('>') {
                        self.bump();
                        break;
                    } else {
                        return Err(self.expected("`,` or `>`"));
                    }
                }
                Ok(DataType::Struct(StructFields::new(fields)?))
            }
            "geography" => {
                if !self.at_punct('(') {
                    return Ok(DataType::Geography {
                        srid: None,
                        shape: None,
                    });
                }
                self.bump();
                let srid = if matches!(self.peek().tok, Tok::Num(_)) {
                    let s = self.number("`geography` srid", 1, u64::from(u32::MAX))?;
                    Some(u32::try_from(s).unwrap_or(u32::MAX))
                } else {
                    None
                };
                let want_shape = if srid.is_none() {
                    true
                } else if self.at_punct(',') {
                    self.bump();
                    true
                } else {
                    false
                };
                let shape = if want_shape {
                    let word = match &self.peek().tok {
                        Tok::Ident(s) => s.clone(),
                        _ => {
                            return Err(self.expected(if srid.is_none() {
                                "an srid or a shape"
                            } else {
                                "a shape"
                            }))
                        }
                    };
                    self.bump();
                    let lower = word.to_ascii_lowercase();
                    match GeoShape::from_name(&lower) {
                        Some(s) => Some(s),
                        None => {
                            return Err(TypeError::UnknownShape {
                                suggestion: suggest(&lower, SHAPE_NAMES),
                                name: truncate(&word),
                            })
                        }
                    }
                } else {
                    None
                };
                self.expect_punct(')')?;
                Ok(DataType::Geography { srid, shape })
            }
            other => match FloatFormat::from_name(other) {
                Some(ff) => self.no_args(other, DataType::Float(ff)),
                None => Err(TypeError::UnknownType {
                    suggestion: suggest(other, TYPE_NAMES),
                    name: truncate(&name),
                }),
            },
        }
    }
}

/// Parses a type string of MODEL.md "Types". Keywords are case-insensitive, whitespace
/// between tokens is free, aliases are normalized. Never panics.
pub fn parse_type(s: &str) -> Result<DataType, TypeError> {
    if s.trim().is_empty() {
        return Err(TypeError::Empty);
    }
    let toks = tokenize(s)?;
    let mut p = Parser { toks, pos: 0 };
    let ty = p.parse_type(1)?;
    let t = p.peek();
    if t.tok != Tok::End {
        return Err(TypeError::TrailingInput {
            found: t.describe(),
            column: t.column,
        });
    }
    Ok(ty)
}

impl std::str::FromStr for DataType {
    type Err = TypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_type(s)
    }
}

/// Size rule for strings, binary, variant and arrays: grow or become unlimited; never
/// shrink or become limited.
fn size_widens(old: Option<u32>, new: Option<u32>) -> bool {
    match (old, new) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => b >= a,
    }
}

/// DESIGN.md's float table (equal formats included). MX formats widen only to themselves.
fn float_widens(old: FloatFormat, new: FloatFormat) -> bool {
    use FloatFormat::*;
    if old == new {
        return true;
    }
    let ieee_at_least = |bits: u16| new.ieee_bits().is_some_and(|b| b >= bits);
    match old {
        Fp4E2m1 => {
            matches!(
                new,
                Fp6E2m3 | Fp6E3m2 | Fp8E4m3 | Fp8E5m2 | Fp8E4m3Fnuz | Fp8E5m2Fnuz
            ) || ieee_at_least(16)
        }
        Fp6E2m3 => matches!(new, Fp8E4m3 | Fp8E4m3Fnuz) || ieee_at_least(16),
        Fp6E3m2 => {
            matches!(new, Fp8E4m3 | Fp8E5m2 | Fp8E4m3Fnuz | Fp8E5m2Fnuz) || ieee_at_least(16)
        }
        Fp8E4m3 | Fp8E5m2 | Fp8E4m3Fnuz | Fp8E5m2Fnuz => ieee_at_least(16),
        Fp8E8m0 => ieee_at_least(32),
        Ieee16 | Ieee32 | Ieee64 | Ieee128 | Ieee256 => {
            old.ieee_bits().is_some_and(|a| ieee_at_least(a + 1))
        }
        Mxfp8E4m3 | Mxfp8E5m2 | Mxfp6E2m3 | Mxfp6E3m2 | Mxfp4E2m1 => false,
    }
}

/// True when every value of `old` is exactly a value of `new`: the types are equal (after
/// alias normalization) or `new` strictly widens `old` (DESIGN.md "Widening relation").
pub fn is_widening(old: &DataType, new: &DataType) -> bool {
    use DataType::*;
    match (old, new) {
        (Boolean, Boolean) | (Date, Date) | (Interval, Interval) => true,
        (Date, Timestamp { tz: false }) => true,
        (Timestamp { tz: a }, Timestamp { tz: b }) => a == b,
        (Int { bits: a }, Int { bits: b }) | (UInt { bits: a }, UInt { bits: b }) => b >= a,
        (
            Decimal {
                size: s1,
                scale: c1,
            },
            Decimal {
                size: s2,
                scale: c2,
            },
        ) => {
            let (s1, c1, s2, c2) = (
                i32::from(*s1),
                i32::from(*c1),
                i32::from(*s2),
                i32::from(*c2),
            );
            c2 >= c1 && s2 - c2 >= s1 - c1
        }
        (Float(a), Float(b)) => float_widens(*a, *b),
        (Char(a) | VarChar(a), Char(b) | VarChar(b))
        | (NChar(a) | NVarChar(a), NChar(b) | NVarChar(b))
        | (Variant(a), Variant(b))
        | (Binary(a), Binary(b)) => size_widens(*a, *b),
        (
            Array {
                size: a,
                element: x,
            },
            Array {
                size: b,
                element: y,
            },
        ) => size_widens(*a, *b) && is_widening(x, y),
        (Vector { dims: a }, Vector { dims: b }) => a == b,
        (Map { key: k1, value: v1 }, Map { key: k2, value: v2 }) => {
            is_widening(k1, k2) && is_widening(v1, v2)
        }
        (Struct(f1), Struct(f2)) => {
            f1.len() == f2.len()
                && f1
                    .iter()
                    .all(|(n, t)| f2.get(n).is_some_and(|t2| is_widening(t, t2)))
        }
        (
            Geography {
                srid: s1,
                shape: h1,
            },
            Geography {
                srid: s2,
                shape: h2,
            },
        ) => s1 == s2 && (h2.is_none() || h1 == h2),
        _ => false,
    }
}

/// A widening that changes the type (`is_widening` and not equal).
pub fn is_strict_widening(old: &DataType, new: &DataType) -> bool {
    old != new && is_widening(old, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DataType {
        parse_type(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn w(a: &str, b: &str) -> bool {
        is_widening(&t(a), &t(b))
    }

    fn err(s: &str) -> TypeError {
        match parse_type(s) {
            Ok(ty) => panic!("{s:?} should not parse, got {ty}"),
            Err(e) => e,
        }
    }

    /// A type string of every kind (canonical spellings).
    const CANONICAL: &[&str] = &[
        "boolean",
        "int(1)",
        "int(8)",
        "int(16)",
        "int(32)",
        "int(64)",
        "int(256)",
        "uint(8)",
        "uint(64)",
        "uint(256)",
        "decimal(1, 0)",
        "decimal(10, 2)",
        "decimal(76, 76)",
        "fp4_e2m1",
        "fp6_e2m3",
        "fp6_e3m2",
        "fp8_e4m3",
        "fp8_e5m2",
        "fp8_e4m3fnuz",
        "fp8_e5m2fnuz",
        "fp8_e8m0",
        "ieee16",
        "ieee32",
        "ieee64",
        "ieee128",
        "ieee256",
        "mxfp8_e4m3",
        "mxfp8_e5m2",
        "mxfp6_e2m3",
        "mxfp6_e3m2",
        "mxfp4_e2m1",
        "char",
        "char(10)",
        "varchar",
        "varchar(4294967295)",
        "nchar",
        "nchar(3)",
        "nvarchar",
        "nvarchar(100)",
        "date",
        "timestamp",
        "timestamp(tz)",
        "interval",
        "variant",
        "variant(1000)",
        "binary",
        "binary(16)",
        "array(int(32))",
        "array(10, nvarchar(5))",
        "array(array(2, boolean))",
        "vector(768)",
        "map(nvarchar, int(64))",
        "map(int(32), map(date, array(decimal(5, 1))))",
        "struct<a: int(32)>",
        "struct<a: int(32), b: nvarchar(10), c: struct<x: date, y: array(ieee64)>>",
        "geography",
        "geography(4326)",
        "geography(point)",
        "geography(4326, multipolygon)",
        "geography(3857, geometrycollection)",
    ];

    #[test]
    fn canonical_round_trip() {
        for s in CANONICAL {
            let ty = t(s);
            assert_eq!(&ty.to_string(), s, "display of {s}");
            assert_eq!(t(&ty.to_string()), ty);
        }
    }

    #[test]
    fn aliases_normalize() {
        let cases = [
            ("float", "ieee32"),
            ("double", "ieee64"),
            ("string", "nvarchar"),
            ("string(20)", "nvarchar(20)"),
            ("tinyint", "int(8)"),
            ("smallint", "int(16)"),
            ("integer", "int(32)"),
            ("bigint", "int(64)"),
            ("array(3, string)", "array(3, nvarchar)"),
            ("map(string, double)", "map(nvarchar, ieee64)"),
            (
                "struct<a: bigint, b: float>",
                "struct<a: int(64), b: ieee32>",
            ),
        ];
        for (alias, canon) in cases {
            let a = t(alias);
            assert_eq!(a.to_string(), canon);
            assert_eq!(a, t(canon));
            assert!(w(alias, canon) && w(canon, alias));
            assert!(!is_strict_widening(&a, &t(canon)));
            assert_eq!(t(&a.to_string()), a);
        }
    }

    #[test]
    fn case_and_whitespace() {
        assert_eq!(t("  DECIMAL ( 10 , 2 ) "), t("decimal(10,2)"));
        assert_eq!(t("Timestamp(TZ)"), DataType::Timestamp { tz: true });
        assert_eq!(
            t("GEOGRAPHY(4326,Point)").to_string(),
            "geography(4326, point)"
        );
        assert_eq!(t("FP8_E4M3FNUZ"), DataType::Float(FloatFormat::Fp8E4m3Fnuz));
        assert_eq!(t("\tarray(\n10 ,\nString )"), t("array(10, nvarchar)"));
        // Field names keep their case.
        assert_eq!(
            t("STRUCT<Name : INT(8)>").to_string(),
            "struct<Name: int(8)>"
        );
        // Field names may be type keywords.
        assert_eq!(
            t("struct<date: date, map: int(8)>").to_string(),
            "struct<date: date, map: int(8)>"
        );
    }

    #[test]
    fn parsed_values() {
        assert_eq!(t("uint(7)"), DataType::UInt { bits: 7 });
        assert_eq!(t("decimal(10,2)"), DataType::Decimal { size: 10, scale: 2 });
        assert_eq!(t("varchar(5)"), DataType::VarChar(Some(5)));
        assert_eq!(
            t("array(5, binary)"),
            DataType::Array {
                size: Some(5),
                element: Box::new(DataType::Binary(None))
            }
        );
        assert_eq!(
            t("geography(point)"),
            DataType::Geography {
                srid: None,
                shape: Some(GeoShape::Point)
            }
        );
        assert_eq!(t("vector(3)"), DataType::Vector { dims: 3 });
    }

    #[test]
    fn every_float_name_parses() {
        for f in FloatFormat::ALL {
            assert_eq!(t(f.name()), DataType::Float(f));
            assert_eq!(t(f.name()).to_string(), f.name());
        }
        for s in GeoShape::ALL {
            let g = t(&format!("geography({s})"));
            assert_eq!(t(&g.to_string()), g);
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            err("strng").to_string(),
            "unknown type `strng`; did you mean `string`?"
        );
        assert_eq!(
            err("flaot").to_string(),
            "unknown type `flaot`; did you mean `float`?"
        );
        assert_eq!(
            err("varchr(3)").to_string(),
            "unknown type `varchr`; did you mean `varchar`?"
        );
        assert_eq!(err("xyzzyplugh").to_string(), "unknown type `xyzzyplugh`");
        assert_eq!(
            err("decimal(10, 12)").to_string(),
            "decimal scale 12 exceeds size 10"
        );
        assert_eq!(
            err("varchar(0)").to_string(),
            "`varchar` size must be positive, got 0"
        );
        assert_eq!(
            err("int(257)").to_string(),
            "`int` bit width must be between 1 and 256, got 257"
        );
        assert_eq!(
            err("varchar(10").to_string(),
            "expected `)` at column 11, found end of input"
        );
        assert_eq!(
            err("varchar(10))").to_string(),
            "unexpected `)` at column 12 after a complete type"
        );
        assert_eq!(
            err("struct<a: int(8), A: int(8)>").to_string(),
            "duplicate struct field `A` (same as `a`; field names are compared ignoring case)"
        );
        assert_eq!(
            err("struct<a: int(8), a: date>").to_string(),
            "duplicate struct field `a`"
        );
        assert_eq!(
            err("geography(4326, pont)").to_string(),
            "unknown geography shape `pont`; did you mean `point`?"
        );
        assert_eq!(
            err("decimal").to_string(),
            "`decimal` needs arguments: `decimal(size, scale)`"
        );
        assert_eq!(
            err("boolean(1)").to_string(),
            "`boolean` takes no arguments"
        );
        assert_eq!(err("").to_string(), TypeError::Empty.to_string());
        assert_eq!(
            err("char(-1)").to_string(),
            "unexpected character '-' at column 6"
        );
        for e in [
            err("   "),
            err("int(99999999999999999999999)"),
            err("struct<>"),
        ] {
            assert!(!e.to_string().is_empty());
            assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn bad_inputs_rejected() {
        let bad = [
            "",
            " ",
            "strng",
            "int",
            "uint",
            "int()",
            "int(0)",
            "uint(0)",
            "int(257)",
            "int(8, 2)",
            "int(x)",
            "decimal(10)",
            "decimal(0, 0)",
            "decimal(77, 2)",
            "decimal(10, 11)",
            "decimal(10, 2",
            "char(0)",
            "varchar(0)",
            "nchar(0)",
            "nvarchar(0)",
            "string(0)",
            "variant(0)",
            "binary(0)",
            "binary(4294967296)",
            "char(1.5)",
            "char()",
            "char(",
            "char)",
            "char((3))",
            "char(3) char(3)",
            "boolean()",
            "float(24)",
            "date(1)",
            "interval(1)",
            "timestamp()",
            "timestamp(utc)",
            "timestamp(tz",
            "timestamptz",
            "array",
            "array()",
            "array(0, int(8))",
            "array(10)",
            "array(10,)",
            "array(int(8), 10)",
            "array(int(8)",
            "array<int(8)>",
            "vector",
            "vector(0)",
            "vector(int(8))",
            "map(int(8))",
            "map(int(8), )",
            "map(int(8), date, date)",
            "struct",
            "struct<>",
            "struct<a int(8)>",
            "struct<a: int(8),>",
            "struct<a: int(8)",
            "struct<a: int(8)>>",
            "struct<a: int(8), a: int(8)>",
            "struct<_a: int(8)>",
            "struct<1a: int(8)>",
            "struct(a: int(8))",
            "geography()",
            "geography(0)",
            "geography(pointy)",
            "geography(point, 4326)",
            "geography(4326, )",
            "geography(4326 point)",
            "geography(4326, point, point)",
            "(int(8))",
            "int(8))",
            ")",
            "<",
            ",",
            "int(8),",
            "int(8) trailing",
            "ieee32 ieee64",
            "char(3)x",
            "naïve",
            "int(８)",
            "decimal(10, -2)",
        ];
        for s in bad {
            assert!(parse_type(s).is_err(), "{s:?} should be rejected");
        }
        let long = format!("struct<{}: int(8)>", "a".repeat(129));
        assert!(matches!(
            parse_type(&long),
            Err(TypeError::InvalidFieldName { .. })
        ));
        let ok128 = format!("struct<{}: int(8)>", "a".repeat(128));
        assert!(parse_type(&ok128).is_ok());
    }

    #[test]
    fn struct_fields_new_validates() {
        assert!(StructFields::new(vec![]).is_err());
        assert!(StructFields::new(vec![("a b".into(), DataType::Date)]).is_err());
        assert!(StructFields::new(vec![
            ("x".into(), DataType::Date),
            ("X".into(), DataType::Date)
        ])
        .is_err());
        let f = StructFields::new(vec![("x".into(), DataType::Date)]).unwrap();
        assert_eq!(f.len(), 1);
        assert!(!f.is_empty());
        assert_eq!(f.get("x"), Some(&DataType::Date));
        assert_eq!(f.get("X"), None);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let nest = |n: usize, open: &str, close: &str| {
            format!("{}int(8){}", open.repeat(n), close.repeat(n))
        };
        // MAX_DEPTH levels in all (the innermost int counts as one) is fine.
        let ok = nest(MAX_DEPTH - 1, "array(", ")");
        assert_eq!(t(&ok).to_string(), ok);
        assert_eq!(
            parse_type(&nest(MAX_DEPTH, "array(", ")")),
            Err(TypeError::TooDeep { limit: MAX_DEPTH })
        );
        for (open, close) in [
            ("array(", ")"),
            ("map(date, ", ")"),
            ("struct<a: ", ">"),
            ("array(3, ", ")"),
        ] {
            assert_eq!(
                parse_type(&nest(200_000, open, close)),
                Err(TypeError::TooDeep { limit: MAX_DEPTH })
            );
            // Unbalanced deep input too.
            assert!(parse_type(&open.repeat(200_000)).is_err());
        }
        assert!(parse_type(&"(".repeat(100_000)).is_err());
        assert!(parse_type(&")".repeat(100_000)).is_err());
    }

    /// DESIGN.md's table written out literally: row = old, column = new, in the order
    /// fp4_e2m1, fp6_e2m3, fp6_e3m2, fp8_e4m3, fp8_e5m2, fp8_e4m3fnuz, fp8_e5m2fnuz,
    /// fp8_e8m0, ieee16, ieee32, ieee64, ieee128, ieee256. The diagonal is 1 (equal).
    const FLOAT_NAMES: [&str; 13] = [
        "fp4_e2m1",
        "fp6_e2m3",
        "fp6_e3m2",
        "fp8_e4m3",
        "fp8_e5m2",
        "fp8_e4m3fnuz",
        "fp8_e5m2fnuz",
        "fp8_e8m0",
        "ieee16",
        "ieee32",
        "ieee64",
        "ieee128",
        "ieee256",
    ];
    #[rustfmt::skip]
    const FLOAT_TABLE: [&str; 13] = [
        // 4  6a 6b 8a 8b 8c 8d 8e 16 32 64 128 256
        "1 1 1 1 1 1 1 0 1 1 1 1 1", // fp4_e2m1
        "0 1 0 1 0 1 0 0 1 1 1 1 1", // fp6_e2m3
        "0 0 1 1 1 1 1 0 1 1 1 1 1", // fp6_e3m2
        "0 0 0 1 0 0 0 0 1 1 1 1 1", // fp8_e4m3
        "0 0 0 0 1 0 0 0 1 1 1 1 1", // fp8_e5m2
        "0 0 0 0 0 1 0 0 1 1 1 1 1", // fp8_e4m3fnuz
        "0 0 0 0 0 0 1 0 1 1 1 1 1", // fp8_e5m2fnuz
        "0 0 0 0 0 0 0 1 0 1 1 1 1", // fp8_e8m0
        "0 0 0 0 0 0 0 0 1 1 1 1 1", // ieee16
        "0 0 0 0 0 0 0 0 0 1 1 1 1", // ieee32
        "0 0 0 0 0 0 0 0 0 0 1 1 1", // ieee64
        "0 0 0 0 0 0 0 0 0 0 0 1 1", // ieee128
        "0 0 0 0 0 0 0 0 0 0 0 0 1", // ieee256
    ];

    #[test]
    fn float_matrix_13x13() {
        let mut checked = 0;
        for (i, old) in FLOAT_NAMES.iter().enumerate() {
            let row: Vec<&str> = FLOAT_TABLE[i].split(' ').collect();
            assert_eq!(row.len(), 13);
            for (j, new) in FLOAT_NAMES.iter().enumerate() {
                let expected = row[j] == "1";
                assert_eq!(w(old, new), expected, "{old} -> {new}");
                assert_eq!(
                    is_strict_widening(&t(old), &t(new)),
                    expected && i != j,
                    "strict {old} -> {new}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 169);
    }

    #[test]
    fn mx_matrix() {
        let mx = [
            "mxfp8_e4m3",
            "mxfp8_e5m2",
            "mxfp6_e2m3",
            "mxfp6_e3m2",
            "mxfp4_e2m1",
        ];
        let all: Vec<&str> = FLOAT_NAMES.iter().copied().chain(mx).collect();
        assert_eq!(all.len(), 18);
        let mut checked = 0;
        for m in mx {
            for other in &all {
                let same = m == *other;
                assert_eq!(w(m, other), same, "{m} -> {other}");
                assert_eq!(w(other, m), same, "{other} -> {m}");
                checked += 2;
            }
        }
        assert_eq!(checked, 180);
        // The aliases go through the table too.
        assert!(w("float", "double"));
        assert!(!w("double", "float"));
        assert!(w("fp8_e4m3", "float"));
        assert!(!w("fp8_e8m0", "ieee16"));
    }

    #[test]
    fn float_never_mixes_with_exact_numbers() {
        for f in FLOAT_NAMES {
            for other in [
                "int(8)",
                "uint(8)",
                "int(256)",
                "decimal(10, 2)",
                "decimal(76, 0)",
                "boolean",
            ] {
                assert!(!w(f, other), "{f} -> {other}");
                assert!(!w(other, f), "{other} -> {f}");
            }
        }
    }

    #[test]
    fn integer_matrix() {
        let widths = [1u16, 7, 8, 16, 32, 64, 128, 256];
        for a in widths {
            for b in widths {
                let (ia, ib) = (format!("int({a})"), format!("int({b})"));
                let (ua, ub) = (format!("uint({a})"), format!("uint({b})"));
                assert_eq!(w(&ia, &ib), b >= a, "{ia} -> {ib}");
                assert_eq!(w(&ua, &ub), b >= a, "{ua} -> {ub}");
                assert_eq!(is_strict_widening(&t(&ia), &t(&ib)), b > a);
                assert!(!w(&ia, &ub), "{ia} -> {ub}");
                assert!(!w(&ua, &ib), "{ua} -> {ib}");
            }
        }
        assert!(w("tinyint", "smallint"));
        assert!(w("smallint", "integer"));
        assert!(w("integer", "bigint"));
        assert!(w("tinyint", "int(128)"));
        assert!(!w("bigint", "integer"));
        assert!(!w("integer", "decimal(76, 0)"));
        assert!(!w("decimal(5, 0)", "bigint"));
        assert!(!w("integer", "ieee64"));
        assert!(!w("uint(8)", "int(16)"));
    }

    #[test]
    fn decimal_cases() {
        let cases = [
            ("decimal(10, 2)", "decimal(10, 2)", true),
            ("decimal(10, 2)", "decimal(12, 2)", true),
            ("decimal(10, 2)", "decimal(12, 4)", true),
            ("decimal(10, 2)", "decimal(11, 3)", true),
            ("decimal(10, 2)", "decimal(10, 4)", false),
            ("decimal(10, 2)", "decimal(10, 0)", false),
            ("decimal(10, 2)", "decimal(12, 0)", false),
            ("decimal(10, 2)", "decimal(9, 2)", false),
            ("decimal(10, 2)", "decimal(11, 4)", false),
            ("decimal(10, 4)", "decimal(10, 2)", false),
            ("decimal(5, 5)", "decimal(6, 6)", true),
            ("decimal(5, 0)", "decimal(76, 0)", true),
            ("decimal(76, 0)", "decimal(76, 1)", false),
        ];
        for (a, b, exp) in cases {
            assert_eq!(w(a, b), exp, "{a} -> {b}");
        }
        // Out-of-invariant values built by hand do not panic.
        let odd = DataType::Decimal {
            size: 1,
            scale: 200,
        };
        let _ = is_widening(&odd, &t("decimal(10, 2)"));
        let _ = is_widening(&t("decimal(10, 2)"), &odd);
    }

    #[test]
    fn string_cases() {
        let yes = [
            ("char(5)", "char(10)"),
            ("char(5)", "char"),
            ("char(5)", "varchar(5)"),
            ("char(5)", "varchar(9)"),
            ("char(5)", "varchar"),
            ("varchar(5)", "char(5)"),
            ("varchar(5)", "char(8)"),
            ("varchar(5)", "char"),
            ("varchar", "char"),
            ("char", "varchar"),
            ("nchar(5)", "nvarchar(5)"),
            ("nchar(5)", "string"),
            ("nvarchar(5)", "nchar(6)"),
            ("string(5)", "nvarchar(10)"),
            ("string(5)", "string"),
            ("nvarchar", "string"),
            ("string", "nchar"),
            ("variant(10)", "variant(20)"),
            ("variant(10)", "variant"),
            ("binary(10)", "binary(11)"),
            ("binary(10)", "binary"),
        ];
        for (a, b) in yes {
            assert!(w(a, b), "{a} -> {b}");
        }
        let no = [
            ("char(10)", "char(5)"),
            ("char", "char(5)"),
            ("varchar", "varchar(100)"),
            ("varchar(10)", "char(9)"),
            ("char", "varchar(4294967295)"),
            ("string", "string(5)"),
            ("nvarchar(10)", "nchar(5)"),
            ("char(5)", "nchar(5)"),
            ("char(5)", "nvarchar"),
            ("varchar(5)", "string"),
            ("varchar", "nvarchar"),
            ("nchar(5)", "char(5)"),
            ("string", "varchar"),
            ("nvarchar", "char"),
            ("variant(10)", "variant(5)"),
            ("variant", "variant(5)"),
            ("variant", "string"),
            ("string", "variant"),
            ("binary(10)", "binary(5)"),
            ("binary", "binary(5)"),
            ("binary", "varchar"),
            ("varchar", "binary"),
            ("binary(5)", "variant"),
            ("char(1)", "boolean"),
        ];
        for (a, b) in no {
            assert!(!w(a, b), "{a} -> {b}");
        }
    }

    #[test]
    fn temporal_and_boolean_cases() {
        assert!(w("date", "timestamp"));
        assert!(!w("timestamp", "date"));
        assert!(!w("date", "timestamp(tz)"));
        assert!(!w("timestamp", "timestamp(tz)"));
        assert!(!w("timestamp(tz)", "timestamp"));
        assert!(w("timestamp(tz)", "timestamp(tz)"));
        assert!(w("interval", "interval"));
        for other in ["date", "timestamp", "timestamp(tz)", "int(64)", "nvarchar"] {
            assert!(!w("interval", other) && !w(other, "interval"));
            assert!(!w("boolean", other) && !w(other, "boolean"));
        }
        assert!(!w("int(64)", "timestamp"));
        assert!(!w("timestamp", "int(64)"));
        assert!(w("boolean", "boolean"));
        assert!(!w("boolean", "int(1)"));
    }

    #[test]
    fn struct_cases() {
        assert!(w(
            "struct<a: int(8), b: date>",
            "struct<b: date, a: int(8)>"
        ));
        assert_eq!(
            t("struct<a: int(8), b: date>"),
            t("struct<b: date, a: int(8)>")
        );
        assert!(!is_strict_widening(
            &t("struct<a: int(8), b: date>"),
            &t("struct<b: date, a: int(8)>")
        ));
        assert!(w(
            "struct<a: int(8), b: date>",
            "struct<a: int(16), b: timestamp>"
        ));
        assert!(w(
            "struct<a: int(8), b: date>",
            "struct<b: timestamp, a: int(16)>"
        ));
        assert!(!w(
            "struct<a: int(16), b: date>",
            "struct<a: int(8), b: date>"
        ));
        assert!(!w("struct<a: int(8)>", "struct<a: int(8), b: date>"));
        assert!(!w("struct<a: int(8), b: date>", "struct<a: int(8)>"));
        assert!(!w("struct<a: int(8)>", "struct<b: int(8)>"));
        assert!(!w("struct<a: int(8)>", "struct<A: int(8)>"));
        assert!(w(
            "struct<s: struct<x: char(3)>>",
            "struct<s: struct<x: varchar>>"
        ));
        assert!(!w("struct<a: int(8)>", "map(nvarchar, int(8))"));
    }

    #[test]
    fn struct_hash_ignores_order() {
        use std::collections::hash_map::DefaultHasher;
        let h = |ty: &DataType| {
            let mut s = DefaultHasher::new();
            ty.hash(&mut s);
            s.finish()
        };
        let a = t("struct<a: int(8), b: date, c: array(boolean)>");
        let b = t("struct<c: array(boolean), a: int(8), b: date>");
        assert_eq!(a, b);
        assert_eq!(h(&a), h(&b));
        // Display keeps declaration order.
        assert_eq!(
            b.to_string(),
            "struct<c: array(boolean), a: int(8), b: date>"
        );
    }

    #[test]
    fn map_array_vector_cases() {
        assert!(w("map(int(8), char(3))", "map(int(16), varchar)"));
        assert!(w("map(string, int(8))", "map(nvarchar, int(8))"));
        assert!(!w("map(int(16), char(3))", "map(int(8), char(3))"));
        assert!(!w("map(int(8), char(3))", "map(int(8), char(2))"));
        assert!(!w("map(int(8), int(8))", "array(int(8))"));

        assert!(w("array(int(8))", "array(int(64))"));
        assert!(w("array(5, int(8))", "array(10, int(8))"));
        assert!(w("array(5, int(8))", "array(int(16))"));
        assert!(!w("array(int(8))", "array(5, int(8))"));
        assert!(!w("array(10, int(8))", "array(5, int(8))"));
        assert!(!w("array(5, int(16))", "array(10, int(8))"));
        assert!(!w("array(int(8))", "array(uint(8))"));
        assert!(w("array(array(2, date))", "array(array(timestamp))"));
        assert!(!w("array(array(date))", "array(array(2, timestamp))"));

        assert!(w("vector(3)", "vector(3)"));
        assert!(!w("vector(3)", "vector(4)"));
        assert!(!w("vector(4)", "vector(3)"));
        assert!(!w("vector(3)", "array(3, ieee32)"));
    }

    #[test]
    fn geography_cases() {
        let yes = [
            ("geography", "geography"),
            ("geography(4326)", "geography(4326)"),
            ("geography(4326, point)", "geography(4326)"),
            ("geography(4326, point)", "geography(4326, point)"),
            ("geography(point)", "geography"),
            ("geography(polygon)", "geography(polygon)"),
        ];
        let no = [
            ("geography(4326)", "geography(3857)"),
            ("geography(4326)", "geography"),
            ("geography", "geography(4326)"),
            ("geography(4326)", "geography(4326, point)"),
            ("geography(4326, point)", "geography(4326, multipoint)"),
            ("geography(4326, point)", "geography(point)"),
            ("geography(4326, point)", "geography(3857)"),
            ("geography", "geography(point)"),
            ("geography(point)", "geography(4326)"),
        ];
        for (a, b) in yes {
            assert!(w(a, b), "{a} -> {b}");
        }
        for (a, b) in no {
            assert!(!w(a, b), "{a} -> {b}");
        }
    }

    #[test]
    fn predicates() {
        for s in ["int(8)", "uint(64)", "bigint", "tinyint"] {
            assert!(t(s).is_integer() && t(s).is_timestamp_or_integer() && !t(s).is_temporal());
        }
        for s in ["timestamp", "timestamp(tz)"] {
            assert!(t(s).is_temporal() && t(s).is_timestamp_or_integer() && !t(s).is_integer());
        }
        assert!(t("date").is_temporal() && !t("date").is_timestamp_or_integer());
        for s in [
            "interval",
            "decimal(10, 0)",
            "ieee64",
            "nvarchar",
            "boolean",
            "array(int(8))",
        ] {
            let ty = t(s);
            assert!(
                !ty.is_integer() && !ty.is_temporal() && !ty.is_timestamp_or_integer(),
                "{s}"
            );
        }
        assert!(t("double").is_float() && t("string").is_string() && !t("binary").is_string());
    }

    /// A sample of types across every kind, for reflexivity and transitivity.
    fn sample() -> Vec<DataType> {
        let mut v: Vec<DataType> = CANONICAL.iter().map(|s| t(s)).collect();
        for s in [
            "char(5)",
            "varchar(5)",
            "varchar(9)",
            "nchar(5)",
            "string(9)",
            "variant(5)",
            "binary(5)",
            "int(12)",
            "uint(12)",
            "uint(32)",
            "decimal(12, 2)",
            "decimal(12, 4)",
            "decimal(11, 3)",
            "decimal(10, 0)",
            "array(5, int(8))",
            "array(10, int(16))",
            "array(int(8))",
            "array(10, char(3))",
            "array(varchar)",
            "map(char(3), int(8))",
            "map(varchar, int(16))",
            "map(varchar(9), int(64))",
            "struct<a: int(8), b: date>",
            "struct<a: int(16), b: timestamp>",
            "struct<b: timestamp, a: int(64)>",
            "geography(4326, point)",
            "geography(3857, point)",
        ] {
            v.push(t(s));
        }
        v
    }

    #[test]
    fn reflexive_for_all_types() {
        for ty in sample() {
            assert!(is_widening(&ty, &ty), "{ty}");
            assert!(!is_strict_widening(&ty, &ty), "{ty}");
            let again = t(&ty.to_string());
            assert!(is_widening(&ty, &again) && is_widening(&again, &ty));
        }
    }

    #[test]
    fn transitive_on_sample() {
        let s = sample();
        let mut chains = 0;
        for a in &s {
            for b in &s {
                if !is_widening(a, b) {
                    continue;
                }
                for c in &s {
                    if is_widening(b, c) {
                        chains += 1;
                        assert!(is_widening(a, c), "{a} -> {b} -> {c}");
                    }
                }
            }
        }
        assert!(chains > 500, "only {chains} chains checked");
    }

    #[test]
    fn antisymmetric_outside_char_varchar() {
        // char(n) <-> varchar(n) widen both ways by design; everything else is antisymmetric.
        let s = sample();
        for a in &s {
            for b in &s {
                if a != b && is_widening(a, b) && is_widening(b, a) {
                    let both = format!("{a} {b}");
                    assert!(both.contains("char"), "{a} <-> {b}");
                }
            }
        }
    }

    /// xorshift64*: enough randomness for a fuzz loop without dependencies.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// A random valid type, as a (possibly alias-using, oddly spaced) string.
    fn random_type(r: &mut Rng, depth: usize) -> String {
        let leaf = depth > 4 || r.below(3) > 0;
        if leaf {
            match r.below(12) {
                0 => TYPE_NAMES[r.below(TYPE_NAMES.len())].to_string(),
                1 => format!("int({})", 1 + r.below(256)),
                2 => format!("UINT ( {} )", 1 + r.below(256)),
                3 => {
                    let size = 1 + r.below(76);
                    format!("decimal({size},{})", r.below(size + 1))
                }
                4 => {
                    let k = [
                        "char", "varchar", "nchar", "nvarchar", "string", "variant", "binary",
                    ];
                    format!("{}({})", k[r.below(k.len())], 1 + r.below(100))
                }
                5 => format!("vector({})", 1 + r.below(2000)),
                6 => "timestamp(tz)".to_string(),
                7 => format!("geography({})", 1 + r.below(5000)),
                8 => format!(
                    "geography({}, {})",
                    1 + r.below(5000),
                    SHAPE_NAMES[r.below(SHAPE_NAMES.len())]
                ),
                9 => FloatFormat::ALL[r.below(18)].name().to_uppercase(),
                10 => [
                    "float", "double", "tinyint", "bigint", "smallint", "integer",
                ][r.below(6)]
                .to_string(),
                _ => "date".to_string(),
            }
        } else {
            match r.below(4) {
                0 => format!("array({})", random_type(r, depth + 1)),
                1 => format!("array({}, {})", 1 + r.below(50), random_type(r, depth + 1)),
                2 => format!(
                    "map({},{})",
                    random_type(r, depth + 1),
                    random_type(r, depth + 1)
                ),
                _ => {
                    let n = 1 + r.below(4);
                    let fields: Vec<String> = (0..n)
                        .map(|i| format!("f{i} : {}", random_type(r, depth + 1)))
                        .collect();
                    format!("struct<{}>", fields.join(" , "))
                }
            }
        }
    }

    #[test]
    fn fuzz_valid_types_round_trip() {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let mut s = random_type(&mut r, 0);
            // Bare argument-taking keywords from TYPE_NAMES are not valid alone.
            let ty = match parse_type(&s) {
                Ok(ty) => ty,
                Err(TypeError::MissingArguments { .. }) => continue,
                Err(e) => panic!("{s:?}: {e}"),
            };
            let shown = ty.to_string();
            assert_eq!(t(&shown), ty, "{s:?}");
            assert_eq!(t(&shown).to_string(), shown);
            assert!(is_widening(&ty, &ty));
            s.make_ascii_uppercase();
            // Upper-casing changes field names (case-sensitive) but must still parse.
            assert!(parse_type(&s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn fuzz_never_panics() {
        let mut r = Rng(0xDEAD_BEEF_CAFE_F00D);
        let alphabet: Vec<char> = "()<>,:  _0123456789abcdefghijklmnopqrstuvwxyzTZ-.é∞\u{0}\t\n\"'"
            .chars()
            .collect();
        let seeds: Vec<String> = CANONICAL.iter().map(|s| s.to_string()).collect();
        for i in 0..20_000 {
            let s: String = if i % 2 == 0 {
                let n = r.below(40);
                (0..n).map(|_| alphabet[r.below(alphabet.len())]).collect()
            } else {
                // Mutate a valid type: delete, duplicate or replace characters.
                let mut c: Vec<char> = seeds[r.below(seeds.len())].chars().collect();
                for _ in 0..1 + r.below(4) {
                    if c.is_empty() {
                        break;
                    }
                    let at = r.below(c.len());
                    match r.below(3) {
                        0 => {
                            c.remove(at);
                        }
                        1 => c.insert(at, c[at]),
                        _ => c[at] = alphabet[r.below(alphabet.len())],
                    }
                }
                c.into_iter().collect()
            };
            match parse_type(&s) {
                Ok(ty) => {
                    assert_eq!(t(&ty.to_string()), ty, "{s:?}");
                    assert!(is_widening(&ty, &ty));
                }
                Err(e) => {
                    let msg = e.to_string();
                    assert!(!msg.is_empty() && !msg.contains('\n'), "{s:?}: {msg:?}");
                }
            }
        }
    }
}
