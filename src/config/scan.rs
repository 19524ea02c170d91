//! Where things are in a configuration file: its text facts (BOM, line endings, template
//! expressions masked out), a light tree of its first YAML document with the position of every
//! node, and the file's layout style (indent width, sequence dashes indented or flush).
//!
//! Nothing here changes text; [`super::splice`] uses these positions to insert.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;

/// A position in the text: 0-based line, column in characters, and the byte offset (into the
/// text without its BOM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 0-based line.
    pub line: usize,
    /// Column in characters.
    pub col: usize,
    /// Byte offset.
    pub byte: usize,
}

/// One node of the first document.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// Where its content starts (for a block sequence item: after the dash).
    pub start: Pos,
    /// Where its content ends (exclusive; for a block scalar: the end of its last content line).
    pub end: Pos,
    /// Whether it carries an anchor (`&name`).
    pub anchored: bool,
    /// The parser's id of its anchor (0: none).
    pub anchor: usize,
    /// Its explicit tag (`!!str`, `!`, ...), handle and suffix.
    pub tag: Option<String>,
}

/// The kinds of nodes.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A scalar with its value and style.
    Scalar(String, ScalarStyle),
    /// A sequence; `true` when written in flow style (`[...]`).
    Seq(Vec<Node>, bool),
    /// A mapping; `true` when written in flow style (`{...}`).
    Map(Vec<(Node, Node)>, bool),
    /// An alias (`*name`), with the id of the anchor it refers to.
    Alias(usize),
}

impl Node {
    /// The scalar's value, if this is a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// Whether this is an empty value: `key:` with nothing, `~` or `null`, untagged or tagged
    /// `!!null`.
    pub fn is_null(&self) -> bool {
        matches!(self.tag.as_deref(), None | Some(TAG_NULL))
            && matches!(&self.kind, Kind::Scalar(s, ScalarStyle::Plain) if s.is_empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
    }

    /// Whether the node's tag, if any, is the standard one that its form has anyway: `!!map`
    /// on a mapping, `!!seq` on a sequence (a node tagged so means what the untagged one does).
    pub fn plain_collection_tag(&self) -> bool {
        matches!(
            (self.tag.as_deref(), &self.kind),
            (None, _) | (Some(TAG_MAP), Kind::Map(..)) | (Some(TAG_SEQ), Kind::Seq(..))
        )
    }

    /// Whether this is an empty flow collection (`[]` or `{}`; `!!seq []` and `!!map {}` too).
    pub fn is_empty_flow(&self) -> bool {
        if !self.plain_collection_tag() {
            return false;
        }
        match &self.kind {
            Kind::Seq(items, true) => items.is_empty(),
            Kind::Map(entries, true) => entries.is_empty(),
            _ => false,
        }
    }

    /// The value of `key` in a mapping, with the key node.
    pub fn get(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.kind {
            Kind::Map(entries, _) => entries.iter().find(|(k, _)| k.scalar() == Some(key)),
            _ => None,
        }
    }

    /// How many times `key` occurs in a mapping.
    pub fn count(&self, key: &str) -> usize {
        match &self.kind {
            Kind::Map(entries, _) => entries
                .iter()
                .filter(|(k, _)| k.scalar() == Some(key))
                .count(),
            _ => 0,
        }
    }

    /// A word for the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(..) if self.is_null() => "empty",
            Kind::Scalar(..) => "a scalar",
            Kind::Seq(..) => "a list",
            Kind::Map(..) => "a mapping",
            Kind::Alias(_) => "an alias",
        }
    }
}

/// The standard tags (`!!map`, `!!seq`, `!!str`, `!!null`) as the parser resolves them.
pub const TAG_MAP: &str = "tag:yaml.org,2002:map";
/// See [`TAG_MAP`].
pub const TAG_SEQ: &str = "tag:yaml.org,2002:seq";
/// See [`TAG_MAP`].
pub const TAG_STR: &str = "tag:yaml.org,2002:str";
/// See [`TAG_MAP`].
pub const TAG_NULL: &str = "tag:yaml.org,2002:null";

/// The character that replaces every byte of a template expression before parsing.
pub const MASK: u8 = b'x';

/// The text facts of a file and where its template expressions are.
#[derive(Debug, Clone)]
pub struct Text<'a> {
    /// The text without its BOM.
    pub text: &'a str,
    /// The text with every `{{ ... }}` replaced by [`MASK`] bytes (same length, same lines).
    pub masked: Cow<'a, str>,
    /// Whether the file starts with a UTF-8 BOM.
    pub bom: bool,
    /// The file's line ending.
    pub eol: &'static str,
    /// Byte offset of each line's start.
    pub line_starts: Vec<usize>,
    /// Byte ranges of the template expressions.
    pub templates: Vec<(usize, usize)>,
}

impl<'a> Text<'a> {
    /// Reads the facts of `full` (a whole file as text, BOM included).
    pub fn new(full: &'a str) -> Text<'a> {
        let (text, bom) = match full.strip_prefix('\u{feff}') {
            Some(t) => (t, true),
            None => (full, false),
        };
        // The first line break decides; YAML's are LF, CRLF and a lone CR (old Mac files), and
        // both parsers (saphyr's, libyaml's) read all three.
        let eol = match text.find(['\n', '\r']).map(|i| &text.as_bytes()[i..]) {
            Some([b'\r', b'\n', ..]) => "\r\n",
            Some([b'\r', ..]) => "\r",
            _ => "\n",
        };
        let mut line_starts = vec![0];
        line_starts.extend(break_ends(text));
        let templates = find_templates(text);
        let masked = if templates.is_empty() {
            Cow::Borrowed(text)
        } else {
            let mut b = text.as_bytes().to_vec();
            for &(s, e) in &templates {
                for x in &mut b[s..e] {
                    if *x != b'\n' && *x != b'\r' {
                        *x = MASK;
                    }
                }
            }
            // Only whole UTF-8 sequences were replaced by ASCII, so this cannot fail.
            Cow::Owned(String::from_utf8(b).unwrap_or_else(|_| text.to_string()))
        };
        Text {
            text,
            masked,
            bom,
            eol,
            line_starts,
            templates,
        }
    }

    /// Whether the text ends with a line break (LF, CRLF or a lone CR).
    pub fn ends_with_break(&self) -> bool {
        self.text.ends_with(['\n', '\r'])
    }

    /// Number of lines (a final line without a newline counts; an empty last line does not).
    pub fn lines(&self) -> usize {
        if self.text.is_empty() {
            0
        } else if self.ends_with_break() {
            self.line_starts.len() - 1
        } else {
            self.line_starts.len()
        }
    }

    /// The text of line `i` without its line ending.
    pub fn line(&self, i: usize) -> &'a str {
        let s = self.line_starts.get(i).copied().unwrap_or(self.text.len());
        let e = self
            .line_starts
            .get(i + 1)
            .map(|&e| e - 1)
            .unwrap_or(self.text.len())
            .max(s);
        self.text[s..e].trim_end_matches('\r')
    }

    /// Byte offset of the start of line `i` (the text's length past the end).
    pub fn line_start(&self, i: usize) -> usize {
        self.line_starts
            .get(i)
            .copied()
            .unwrap_or(self.text.len())
            .min(self.text.len())
    }

    /// Byte offset just after line `i`'s line ending (or the end of the text).
    pub fn line_end_incl(&self, i: usize) -> usize {
        self.line_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Byte offset of a (line, char column) position.
    pub fn byte_of(&self, line: usize, col: usize) -> usize {
        let start = self.line_start(line);
        let rest = &self.masked[start..];
        if rest.is_char_boundary(col.min(rest.len()))
            && rest.as_bytes()[..col.min(rest.len())].is_ascii()
        {
            return start + col.min(rest.len());
        }
        start
            + rest
                .char_indices()
                .nth(col)
                .map(|(i, _)| i)
                .unwrap_or(rest.len())
    }

    /// Whether the byte range starts inside a template expression.
    pub fn in_template(&self, at: usize) -> bool {
        self.templates.iter().any(|&(s, e)| s <= at && at < e)
    }

    /// Whether a template expression makes the node's value: for a scalar, any template span
    /// over its bytes, quotes included (`'{{ secret "/x" }}'`, `https://auth.{{ env "D" }}`);
    /// for a collection, one that starts inside a template. Decided by the spans, never by
    /// the mask bytes, so a real value with an `x` in it is not taken for a template.
    pub fn made_by_template(&self, n: &Node) -> bool {
        match n.kind {
            Kind::Scalar(..) => {
                let end = n.end.byte.max(n.start.byte + 1);
                self.templates
                    .iter()
                    .any(|&(s, e)| s < end && n.start.byte < e)
            }
            _ => self.in_template(n.start.byte),
        }
    }
}

/// The indentation (in characters) of a line, and whether it is blank or a comment.
pub fn line_kind(line: &str) -> (usize, LineKind) {
    let trimmed = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - trimmed.len();
    let kind = if trimmed.is_empty() {
        LineKind::Blank
    } else if trimmed.starts_with('#') {
        LineKind::Comment
    } else {
        LineKind::Content
    };
    (indent, kind)
}

/// What a line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Only whitespace.
    Blank,
    /// A comment (after optional indentation).
    Comment,
    /// Anything else.
    Content,
}

/// The byte offsets just after each line break of `text` (LF, CRLF, or a CR alone), the way
/// YAML counts lines.
pub fn break_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let b = text.as_bytes();
    b.iter().enumerate().filter_map(move |(i, c)| match c {
        b'\n' => Some(i + 1),
        b'\r' if b.get(i + 1) != Some(&b'\n') => Some(i + 1),
        _ => None,
    })
}

/// The lines of `text`, each with its line break (LF, CRLF or a lone CR), the way YAML counts
/// them.
pub fn lines_with_breaks(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut at = 0;
    let mut ends = break_ends(text).chain(std::iter::once(text.len()));
    std::iter::from_fn(move || {
        let e = ends.next()?;
        if e == at && e == text.len() {
            return None;
        }
        let line = &text[at..e];
        at = e;
        Some(line)
    })
}

/// The lines of `text` without their line breaks (see [`lines_with_breaks`]).
pub fn yaml_lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    lines_with_breaks(text).map(|l| l.trim_end_matches(['\n', '\r']))
}

/// Byte ranges of Go template expressions (`{{ ... }}`, also `{{- ... -}}`). They live in
/// values: a `{{` inside a comment opens none (a `{{` in one comment and a `}}` in a later one
/// must not mask the lines between). An unclosed `{{` is left alone.
fn find_templates(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = text[i..].find("{{") {
        let s = i + off;
        if in_comment(b, s, &out) {
            // Nothing more on this line can open one.
            i = b[s..]
                .iter()
                .position(|c| matches!(c, b'\n' | b'\r'))
                .map_or(b.len(), |p| s + p);
            continue;
        }
        match text[s + 2..].find("}}") {
            Some(e) => {
                let mut end = s + 2 + e + 2;
                // `}}}` closes at the last pair.
                while end < b.len() && b[end] == b'}' {
                    end += 1;
                }
                out.push((s, end));
                i = end;
            }
            None => break,
        }
    }
    out
}

/// Whether byte `at` is inside a comment: a `#` at the start of its line's content or after a
/// blank, outside quotes, comes before it on its line. Quotes count where a quoted scalar can
/// start (after a blank, `[`, `{` or `,`, or at the line's start), so the apostrophe in
/// `it's` opens none. `templates` (the expressions found so far) are skipped over: their
/// quotes and `#` are the template's own.
fn in_comment(b: &[u8], at: usize, templates: &[(usize, usize)]) -> bool {
    let line_start = b[..at]
        .iter()
        .rposition(|c| matches!(c, b'\n' | b'\r'))
        .map_or(0, |p| p + 1);
    let mut j = line_start;
    let mut quote: Option<u8> = None;
    // The expressions that end on this line, in order.
    let first = templates.partition_point(|&(_, e)| e <= line_start);
    let mut spans = templates[first..].iter().peekable();
    while j < at {
        if let Some(&&(s, e)) = spans.peek()
            && s <= j
        {
            j = j.max(e);
            spans.next();
            continue;
        }
        let c = b[j];
        let starts = j == line_start || matches!(b[j - 1], b' ' | b'\t' | b'[' | b'{' | b',');
        match quote {
            Some(b'"') if c == b'\\' => j += 1,
            // `''` is a quote inside a single-quoted scalar.
            Some(b'\'') if c == b'\'' && b.get(j + 1) == Some(&b'\'') => j += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'#' && (j == line_start || matches!(b[j - 1], b' ' | b'\t')) => {
                return true;
            }
            None if matches!(c, b'\'' | b'"') && starts => quote = Some(c),
            None => {}
        }
        j += 1;
    }
    false
}

/// Whether the text has Jinja statements or comments (`{% ... %}`, `{# ... #}`) on a line of
/// their own, the sign of a template that is not a configuration yet.
pub fn jinja_line(text: &str) -> Option<usize> {
    yaml_lines(text).position(|l| {
        let t = l.trim_start();
        t.starts_with("{%") || t.starts_with("{#")
    })
}

/// The first document's structure and the stream's markers.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The first document's root node; `None` for an empty document.
    pub root: Option<Node>,
    /// Line of the first document's explicit end (`...`), or of the second document's `---`:
    /// new top-level text goes before it.
    pub doc_end_line: Option<usize>,
    /// Whether the stream holds more than one document.
    pub multi_doc: bool,
}

/// A parse failure: message and 0-based line.
#[derive(Debug, Clone)]
pub struct ParseError {
    /// What the parser said.
    pub message: String,
    /// 0-based line.
    pub line: usize,
}

struct Builder<'t, 'a> {
    text: &'t Text<'a>,
}

impl Builder<'_, '_> {
    fn pos(&self, m: &saphyr_parser::Marker) -> Pos {
        let line = m.line().saturating_sub(1);
        Pos {
            line,
            col: m.col(),
            byte: self.text.byte_of(line, m.col()),
        }
    }
}

/// Parses the (masked) text: the first document as a [`Node`] tree, plus where it ends.
pub fn scan(text: &Text<'_>) -> Result<Scan, ParseError> {
    let mut source: Cow<'_, str> = Cow::Borrowed(&text.masked);
    let mut shifted = Vec::new();
    loop {
        match scan_source(text, &source) {
            Err(e) if e.message.contains("invalid indentation") && shifted.len() < 256 => {
                // libyaml and Go's YAML accept a closing bracket of a multi-line flow collection
                // at its key's indentation (`key: [` ... `]`); this parser does not. Indent such a
                // line by one space for this parse only: line numbers stay, and the gate's
                // parser reads the real text.
                let line = yaml_lines(&source).nth(e.line).unwrap_or("");
                let closing = line.trim_start().starts_with([']', '}']);
                if !closing || shifted.contains(&e.line) {
                    return Err(e);
                }
                shifted.push(e.line);
                let start = lines_with_breaks(&source)
                    .take(e.line)
                    .map(str::len)
                    .sum::<usize>();
                let mut owned = source.into_owned();
                owned.insert(start, ' ');
                source = Cow::Owned(owned);
            }
            Err(e)
                if e.message
                    .contains("must be followed by a valid YAML whitespace") =>
            {
                // `key:\tvalue`: a tab separating a value from its key, which libyaml and
                // Go's YAML accept; this parser wants a space. Read the tab as a space for this
                // parse only (same length: positions stay); the gate's libyaml reads the
                // real text.
                let start = lines_with_breaks(&source)
                    .take(e.line)
                    .map(str::len)
                    .sum::<usize>();
                let line = yaml_lines(&source[start..]).next().unwrap_or("");
                let Some(at) = line.find(":\t") else {
                    return Err(e);
                };
                let mut owned = source.into_owned().into_bytes();
                owned[start + at + 1] = b' ';
                source = Cow::Owned(String::from_utf8(owned).unwrap_or_default());
            }
            other => return other,
        }
    }
}

fn scan_source(text: &Text<'_>, source: &str) -> Result<Scan, ParseError> {
    let b = Builder { text };
    let mut parser = Parser::new_from_str(source);
    let mut next = || -> Result<Option<(Event<'_>, Span)>, ParseError> {
        match parser.next_event() {
            None => Ok(None),
            Some(Ok(x)) => Ok(Some(x)),
            Some(Err(e)) => Err(ParseError {
                message: e.info().to_string(),
                line: e.marker().line().saturating_sub(1),
            }),
        }
    };
    let mut root = None;
    let mut doc_end_line = None;
    let mut multi_doc = false;
    // Stream: StreamStart, then documents.
    let mut docs = 0;
    while let Some((ev, span)) = next()? {
        match ev {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(explicit) => {
                docs += 1;
                if docs == 2 {
                    multi_doc = true;
                    if explicit && doc_end_line.is_none() {
                        doc_end_line = Some(span.start.line().saturating_sub(1));
                    }
                    // The rest need only be valid YAML; the gate's parser checks it.
                    break;
                }
            }
            Event::DocumentEnd => {
                if span.end.index() > span.start.index() {
                    doc_end_line = Some(span.start.line().saturating_sub(1));
                }
            }
            other => {
                let node = build(&b, other, span, &mut next)?;
                root = Some(node);
            }
        }
    }
    if let Some(r) = &root
        && r.tag.is_none()
        && r.is_null()
        && matches!(&r.kind, Kind::Scalar(s, _) if s.is_empty())
    {
        root = None;
    }
    Ok(Scan {
        root,
        doc_end_line,
        multi_doc,
    })
}

type Next<'n, 'i> = dyn FnMut() -> Result<Option<(Event<'i>, Span)>, ParseError> + 'n;

fn build<'i>(
    b: &Builder<'_, '_>,
    ev: Event<'i>,
    span: Span,
    next: &mut Next<'_, 'i>,
) -> Result<Node, ParseError> {
    let start = b.pos(&span.start);
    let eof = || ParseError {
        message: "unexpected end of the document".into(),
        line: start.line,
    };
    match ev {
        Event::Scalar(v, style, anchor, tag) => {
            let mut end = b.pos(&span.end);
            match style {
                ScalarStyle::Literal | ScalarStyle::Folded => {
                    end = block_scalar_end(b.text, start, end, &v);
                }
                // The parser's end of a quoted scalar can run on over trailing blanks and a
                // comment: find the closing quote.
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                    if let Some(e) =
                        quoted_end(b.text, start.byte, style == ScalarStyle::SingleQuoted)
                    {
                        end = e;
                    }
                }
                _ => {}
            }
            Ok(Node {
                kind: Kind::Scalar(v.into_owned(), style),
                start,
                end,
                anchored: anchor != 0,
                anchor,
                tag: tag.as_ref().map(|t| format!("{}{}", t.handle, t.suffix)),
            })
        }
        Event::Alias(id) => Ok(Node {
            kind: Kind::Alias(id),
            start,
            end: b.pos(&span.end),
            anchored: false,
            anchor: 0,
            tag: None,
        }),
        Event::SequenceStart(anchor, tag) => {
            let flow = opens_with(b.text, start.byte, b'[');
            let mut items = Vec::new();
            loop {
                let (ev, sp) = next()?.ok_or_else(eof)?;
                if let Event::SequenceEnd = ev {
                    let end = if flow {
                        after_bracket(b, &sp)
                    } else {
                        items.last().map(|n: &Node| n.end).unwrap_or(start)
                    };
                    return Ok(Node {
                        kind: Kind::Seq(items, flow),
                        start,
                        end,
                        anchored: anchor != 0,
                        anchor,
                        tag: tag.as_ref().map(|t| format!("{}{}", t.handle, t.suffix)),
                    });
                }
                items.push(build(b, ev, sp, next)?);
            }
        }
        Event::MappingStart(anchor, tag) => {
            let flow = opens_with(b.text, start.byte, b'{');
            let mut entries = Vec::new();
            loop {
                let (ev, sp) = next()?.ok_or_else(eof)?;
                if let Event::MappingEnd = ev {
                    let end = if flow {
                        after_bracket(b, &sp)
                    } else {
                        entries
                            .last()
                            .map(|(_, v): &(Node, Node)| v.end)
                            .unwrap_or(start)
                    };
                    return Ok(Node {
                        kind: Kind::Map(entries, flow),
                        start,
                        end,
                        anchored: anchor != 0,
                        anchor,
                        tag: tag.as_ref().map(|t| format!("{}{}", t.handle, t.suffix)),
                    });
                }
                let k = build(b, ev, sp, next)?;
                let (ev, sp) = next()?.ok_or_else(eof)?;
                let mut v = build(b, ev, sp, next)?;
                if v.end.byte < k.end.byte {
                    // An empty value: it ends where its key does.
                    v.end = k.end;
                }
                entries.push((k, v));
            }
        }
        _ => Err(ParseError {
            message: "unexpected YAML event".into(),
            line: start.line,
        }),
    }
}

/// Whether the collection that starts at byte `at` opens with `bracket`, past its properties
/// (an anchor `&a` and a tag `!!seq`, in either order), the blanks, line breaks and comments
/// after them: the node's start is that of its first property (`!!seq` then `[]` on the next
/// line is a flow sequence).
fn opens_with(text: &Text<'_>, mut at: usize, bracket: u8) -> bool {
    let b = text.masked.as_bytes();
    let mut properties = false;
    while matches!(b.get(at), Some(b'&' | b'!')) {
        properties = true;
        while at < b.len() && !matches!(b[at], b' ' | b'\t' | b'\r' | b'\n') {
            if b[at] == b'<' && b[at - 1] == b'!' {
                // A verbatim tag (`!<...>`) ends at its `>`.
                while at < b.len() && b[at] != b'>' {
                    at += 1;
                }
            }
            at += 1;
        }
        while at < b.len() && matches!(b[at], b' ' | b'\t') {
            at += 1;
        }
    }
    while properties && at < b.len() {
        match b[at] {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => {
                while at < b.len() && !matches!(b[at], b'\r' | b'\n') {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    b.get(at) == Some(&bracket)
}

/// Just after the closing bracket of a flow collection (the end event starts at the bracket; its
/// end can run on over a comment).
fn after_bracket(b: &Builder<'_, '_>, sp: &Span) -> Pos {
    let p = b.pos(&sp.start);
    match b.text.masked.as_bytes().get(p.byte) {
        Some(b']' | b'}') => Pos {
            line: p.line,
            col: p.col + 1,
            byte: p.byte + 1,
        },
        _ => b.pos(&sp.end),
    }
}

/// The position just after the closing quote of a quoted scalar starting at byte `start`.
fn quoted_end(text: &Text<'_>, start: usize, single: bool) -> Option<Pos> {
    let b = text.masked.as_bytes();
    let q = if single { b'\'' } else { b'"' };
    if b.get(start) != Some(&q) {
        return None;
    }
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            c if c == q => {
                if single && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                let end = i + 1;
                let line = match text.line_starts.binary_search(&end) {
                    Ok(l) => l,
                    Err(l) => l - 1,
                };
                let col = text.masked[text.line_start(line)..end].chars().count();
                return Some(Pos {
                    line,
                    col,
                    byte: end,
                });
            }
            b'\\' if !single => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// The end of a block scalar's last content line. The parser reports the position of the next
/// token, which can be lines later (past blank lines and comments).
fn block_scalar_end(text: &Text<'_>, start: Pos, end: Pos, value: &str) -> Pos {
    let mut last = start.line;
    for l in start.line..=end.line.min(text.lines().saturating_sub(1)) {
        let line = text.line(l);
        let (indent, kind) = line_kind(line);
        if kind == LineKind::Blank {
            continue;
        }
        if indent < start.col || (l == end.line && end.col <= indent) {
            break;
        }
        last = l;
    }
    // Keep chomping (`|+`): the trailing blank lines belong to the value.
    let extra = value.len() - value.trim_end_matches('\n').len();
    if extra > 1 {
        last = (last + extra - 1).min(end.line.saturating_sub(0));
    }
    let line = text.line(last);
    Pos {
        line: last,
        col: line.chars().count(),
        byte: text.line_start(last) + line.len(),
    }
}

/// The dash of the block sequence item that starts at `p`: the `-` before it, past whitespace.
pub fn dash_before(text: &Text<'_>, p: Pos) -> Option<Pos> {
    let b = text.masked.as_bytes();
    let mut i = p.byte.min(b.len());
    while i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r') {
        i -= 1;
    }
    if i == 0 || b[i - 1] != b'-' {
        return None;
    }
    let at = i - 1;
    let line = match text.line_starts.binary_search(&at) {
        Ok(l) => l,
        Err(l) => l - 1,
    };
    let col = text.masked[text.line_start(line)..at].chars().count();
    Some(Pos {
        line,
        col,
        byte: at,
    })
}

/// Layout of the file, for generated lines.
pub fn style_of(text: &Text<'_>, root: Option<&Node>) -> crate::render::Style {
    let mut indent = None;
    let mut seq = None;
    if let Some(r) = root {
        walk_style(text, r, &mut indent, &mut seq, 0);
    }
    crate::render::Style {
        indent: indent.unwrap_or(2),
        seq_indent: seq.unwrap_or(true),
    }
}

fn walk_style(
    text: &Text<'_>,
    n: &Node,
    indent: &mut Option<usize>,
    seq: &mut Option<bool>,
    depth: usize,
) {
    if depth > 64 || (indent.is_some() && seq.is_some()) {
        return;
    }
    if let Kind::Map(entries, false) = &n.kind {
        for (k, v) in entries {
            match &v.kind {
                Kind::Map(_, false)
                    if indent.is_none()
                        && v.start.line > k.start.line
                        && v.start.col > k.start.col =>
                {
                    *indent = Some(v.start.col - k.start.col);
                }
                Kind::Seq(items, false) if seq.is_none() && v.start.line > k.start.line => {
                    if let Some(dash) = items.first().and_then(|f| dash_before(text, f.start)) {
                        *seq = Some(dash.col > k.start.col);
                    }
                }
                _ => {}
            }
            walk_style(text, v, indent, seq, depth + 1);
        }
    } else if let Kind::Seq(items, false) = &n.kind {
        for i in items {
            walk_style(text, i, indent, seq, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(t: &Text<'_>) -> Node {
        scan(t).unwrap().root.unwrap()
    }

    #[test]
    fn ends_of_scalars_and_flow_collections() {
        let src =
            "a: 'q'  # c\nb: [1, 2]  # d\nc: |\n  x\n  y\n\n# after\nd: |+\n  k\n\n\ne: \"w\"\n";
        let t = Text::new(src);
        let r = root(&t);
        let end = |k: &str| r.get(k).unwrap().1.end;
        assert_eq!(&src[..end("a").byte], "a: 'q'");
        assert_eq!(&src[end("b").byte - 6..end("b").byte], "[1, 2]");
        // The literal ends on its last content line, not at the next key.
        assert_eq!(end("c").line, 4);
        // Keep chomping: the trailing blank lines are part of the value.
        assert_eq!(end("d").line, 10);
        assert_eq!(end("e").col, 6);
    }

    #[test]
    fn templates_are_masked_with_the_same_length() {
        let src = "a: {{ env \"X\" }}\nb: '{{ secret \"/s\" }}'\n";
        let t = Text::new(src);
        assert_eq!(t.masked.len(), src.len());
        assert_eq!(t.templates.len(), 2);
        let r = root(&t);
        assert_eq!(r.get("a").unwrap().1.scalar(), Some("xxxxxxxxxxxxx"));
        assert!(t.in_template(r.get("b").unwrap().1.start.byte + 1));
    }

    #[test]
    fn dashes_style_and_markers() {
        let src = "---\nk:\n    l:\n    -   a: 1\n...\n";
        let t = Text::new(src);
        let s = scan(&t).unwrap();
        assert_eq!(s.doc_end_line, Some(4));
        let r = s.root.unwrap();
        let l = &r.get("k").unwrap().1.get("l").unwrap().1;
        let Kind::Seq(items, false) = &l.kind else {
            panic!()
        };
        let dash = dash_before(&t, items[0].start).unwrap();
        assert_eq!((dash.line, dash.col), (3, 4));
        let style = style_of(&t, Some(&r));
        assert_eq!(style.indent, 4);
        assert!(!style.seq_indent);
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let src = "a:\r  b: 1\r\r  c: 'x'\r";
        let t = Text::new(src);
        assert_eq!(t.eol, "\r");
        assert_eq!(t.lines(), 4);
        assert_eq!(t.line(3), "  c: 'x'");
        let r = root(&t);
        let c = &r.get("a").unwrap().1.get("c").unwrap().1;
        assert_eq!((c.start.line, c.start.col), (3, 5));
        assert_eq!(&src[c.start.byte..c.end.byte], "'x'");
        assert_eq!(Text::new("a: 1\r\nb: 2\r\n").eol, "\r\n");
        assert_eq!(Text::new("a: 1\nb: 2\r").eol, "\n");
        let lines: Vec<&str> = lines_with_breaks("a\rb\r\nc\nd").collect();
        assert_eq!(lines, ["a\r", "b\r\n", "c\n", "d"]);
    }

    #[test]
    fn comments_open_no_template() {
        let src = "# {{ a\nk: v # {{ b\n# }}\nq: 'it''s # {{ c }}'\nr: it's # {{ d }}\ns: {{ e \"#\" }} # {{ f }}\n";
        let t = Text::new(src);
        let found: Vec<&str> = t.templates.iter().map(|&(s, e)| &src[s..e]).collect();
        assert_eq!(found, ["{{ c }}", "{{ e \"#\" }}"]);
    }

    #[test]
    fn standard_tags_and_flow_style_past_properties() {
        let t = Text::new("a: !!seq [1]\nb: &x !!map {}\nc: !!null\nd: !!str\ne: !foo\n");
        let r = root(&t);
        let v = |k: &str| &r.get(k).unwrap().1;
        assert!(matches!(v("a").kind, Kind::Seq(_, true)));
        assert!(v("a").plain_collection_tag());
        assert!(v("b").is_empty_flow());
        assert!(v("c").is_null());
        assert!(!v("d").is_null());
        assert!(!v("e").is_null());
    }

    #[test]
    fn closing_bracket_at_key_indentation_is_accepted() {
        let src = "a:\n  b: [\n    1,\n  ]\n  c: 2\n";
        let t = Text::new(src);
        let r = root(&t);
        assert_eq!(
            r.get("a").unwrap().1.get("c").unwrap().1.scalar(),
            Some("2")
        );
    }
}
