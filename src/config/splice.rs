//! The insertions: where the new client, the entries it relies on (the plan's additions: claims
//! policies, custom scopes, authorization policies, custom lifespans, each in its section under
//! `identity_providers.oidc`, and user attributes in the top-level `definitions`) and, the first
//! time, the provider's keys go, as byte edits of the original text, plus the change they are
//! meant to make (for the gate). Inserted lines follow the file's indent width, dash style and
//! line endings.

use super::OnDuplicate;
use super::gate::{ClientChange, Intended};
use super::scan::{Kind, LineKind, Node, Scan, Text, dash_before, line_kind};
use crate::error::Conflict;
use crate::plan::{Addition, Plan};
use crate::provider::authelia::{self, ProviderKeys};
use crate::render::{self, Style, yaml};
use saphyr_parser::ScalarStyle;
use serde_json::{Map, Value};

/// One replacement of a byte range of the text (BOM excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// New text.
    pub text: String,
}

/// What a merge does, before the text is assembled.
#[derive(Debug, Clone)]
pub struct Splice {
    /// The edits, in any order, not overlapping.
    pub edits: Vec<Edit>,
    /// Their intended meaning.
    pub intended: Intended,
    /// Whether this was a first-time setup that added both hmac_secret and jwks.
    pub first_time_setup: bool,
    /// The provider keys added under `identity_providers.oidc`, in order (`hmac_secret`,
    /// `jwks`): only a first-time setup adds them.
    pub provider_keys_added: Vec<String>,
    /// Things to tell the user.
    pub warnings: Vec<String>,
}

/// Why a merge cannot be done: the message (without the path) and the 0-based line if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Wrong shape or type, with a message and a line.
    Shape(String, Option<usize>),
    /// A client with that id exists.
    Duplicate(String),
    /// The existing client cannot be changed as asked (the client is the plan's).
    Conflict(Conflict, Option<usize>),
}

fn shape<T>(msg: impl Into<String>, line: Option<usize>) -> Result<T, Refusal> {
    Err(Refusal::Shape(msg.into(), line))
}

struct Ctx<'t, 'a, 'p> {
    t: &'t Text<'a>,
    scan: &'t Scan,
    plan: &'p Plan,
    style: Style,
    keys: &'p mut dyn FnMut() -> crate::Result<ProviderKeys>,
    cached_keys: Option<ProviderKeys>,
    edits: Vec<Edit>,
    intended: Intended,
    warnings: Vec<String>,
    /// The whole text as libyaml reads it (merge keys resolved), for the top-level additions
    /// checks; `None` when it does not read (the gate then refuses).
    doc: Option<serde_yaml::Value>,
    /// Set when an insertion would have to go after a final line that ends a block scalar
    /// without a newline (the 0-based line of that scalar): the newline it needs first would
    /// become part of the value.
    blocked_at_eof: Option<usize>,
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// What the rendered client item means: the client, with the placeholder the renderer writes
/// while the secret's digest is still being computed.
fn client_json(plan: &Plan) -> Value {
    let mut v = render::client_value(&plan.client);
    if plan.client.client_secret.as_deref() == Some("")
        && let Some(o) = v.as_object_mut()
    {
        o.insert("client_secret".into(), Value::String(PENDING_DIGEST.into()));
    }
    v
}

/// The provider setting a client with `pkce_challenge_method: plain` needs.
const PKCE_PLAIN_KEY: &str = "enable_pkce_plain_challenge";

/// The variables (and, with `_FILE`, the secret files) Authelia reads the provider's keys
/// from (internal/configuration/helpers.go:80-89, const.go:16; the refusal beside an inline
/// value: const.go:40).
const HMAC_ENV: &str = "AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET";
const ISSUER_KEY_ENV: &str = "AUTHELIA_IDENTITY_PROVIDERS_OIDC_ISSUER_PRIVATE_KEY";

/// The text the renderer puts where a digest that is still being computed goes.
pub const PENDING_DIGEST: &str = "(computing the digest...)";

/// The id of a client item (`client_id`, or the pre-4.38 `id`).
pub fn client_id_of(item: &Node) -> Option<&str> {
    item.get("client_id")
        .or_else(|| item.get("id"))
        .and_then(|(_, v)| v.scalar())
}

/// Builds the edits that merge `plan` into the scanned text.
pub fn splice(
    t: &Text<'_>,
    scan: &Scan,
    plan: &Plan,
    on_dup: OnDuplicate,
    keys: &mut dyn FnMut() -> crate::Result<ProviderKeys>,
) -> Result<Splice, Refusal> {
    let style = super::scan::style_of(t, scan.root.as_ref());
    let mut cx = Ctx {
        t,
        scan,
        plan,
        style,
        keys,
        cached_keys: None,
        edits: Vec::new(),
        intended: Intended {
            hmac_secret: None,
            jwks: None,
            additions: Vec::new(),
            client: ClientChange::Append(client_json(plan)),
        },
        warnings: Vec::new(),
        doc: super::gate::parse_first(&t.masked).ok().map(|mut v| {
            let _ = v.apply_merge();
            v
        }),
        blocked_at_eof: None,
    };
    cx.run(on_dup)?;
    if let Some(l) = cx.blocked_at_eof {
        return shape(
            "the file ends inside a block scalar (| or >) without a final newline, and the new lines would have to go after it, which would add a newline to that value; end the file with a newline (or write the value with |-) and merge again",
            Some(l),
        );
    }
    if on_dup == OnDuplicate::Rotate && !matches!(cx.intended.client, ClientChange::SetSecret(..)) {
        return Err(Refusal::Conflict(Conflict::NoClientToRotate, None));
    }
    let mut provider_keys_added = Vec::new();
    if cx.intended.hmac_secret.is_some() {
        provider_keys_added.push("hmac_secret".to_string());
    }
    if cx.intended.jwks.is_some() {
        provider_keys_added.push("jwks".to_string());
    }
    if writes_digest(plan, &cx.intended.client) && scan.root.as_ref().is_some_and(has_env_reference)
    {
        cx.warnings.push(ENV_EXPANSION_WARNING.to_string());
    }
    Ok(Splice {
        edits: cx.edits,
        intended: cx.intended,
        first_time_setup: provider_keys_added.len() == 2,
        provider_keys_added,
        warnings: cx.warnings,
    })
}

/// The warning for a digest written inline into a file that uses `${...}` values: Authelia's
/// `expand-env` filter runs the whole file through Go's `os.Expand`, which reads `$pbkdf2`,
/// `$3`... as variables (only `$$` stays a `$`), so the digest Authelia reads is not the one
/// written (internal/configuration/koanf_provider_filtered_file.go:77,
/// internal/templates/funcs.go:150-153).
pub const ENV_EXPANSION_WARNING: &str = "this file uses ${...} values, so it may be read through Authelia's expand-env filter (X_AUTHELIA_CONFIG_FILTERS=expand-env), which would rewrite every '$' of the client's inline digest; if it is, put the digest in a file and write client_secret: '{{ secret \"/path/to/digest\" }}' (with the template filter) instead";

/// Whether the merge writes the client's digest (a `$`-delimited PHC string) into the file:
/// a new or replacing confidential client, or a rotated secret.
fn writes_digest(plan: &Plan, change: &ClientChange) -> bool {
    match change {
        ClientChange::SetSecret(..) => true,
        ClientChange::Remove { .. } | ClientChange::SetKeys(..) => false,
        ClientChange::Append(_) | ClientChange::Replace(..) => plan
            .client
            .client_secret
            .as_deref()
            .is_some_and(|d| d.is_empty() || d.contains('$')),
    }
}

/// Whether a key or value anywhere under `n` holds a `${...}` reference (comments are not in
/// the tree, so a `${` in a comment does not count).
fn has_env_reference(n: &Node) -> bool {
    match &n.kind {
        Kind::Scalar(v, _) => v.contains("${"),
        Kind::Seq(items, _) => items.iter().any(has_env_reference),
        Kind::Map(entries, _) => entries
            .iter()
            .any(|(k, v)| has_env_reference(k) || has_env_reference(v)),
        Kind::Alias(_) => false,
    }
}

/// What a mapping holds under a key we need to descend into.
enum Slot<'n> {
    /// The key is absent.
    Missing,
    /// `key:` with nothing, `~`, `null`, `{}` or `[]`: the key line is reused.
    Empty(&'n Node, &'n Node),
    /// A block mapping or sequence.
    Block(&'n Node, &'n Node),
}

impl<'a> Ctx<'_, 'a, '_> {
    fn keys(&mut self) -> Result<ProviderKeys, Refusal> {
        if self.cached_keys.is_none() {
            let k = (self.keys)().map_err(|e| Refusal::Shape(e.to_string(), None))?;
            self.cached_keys = Some(k);
        }
        Ok(self.cached_keys.clone().unwrap_or_else(|| unreachable!()))
    }

    fn eol(&self) -> &'static str {
        self.t.eol
    }

    /// Lines joined with the file's line ending, each terminated.
    fn join(&self, lines: &[String]) -> String {
        let eol = self.eol();
        let mut s = String::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
        for l in lines {
            s.push_str(l);
            s.push_str(eol);
        }
        s
    }

    /// An insertion after line `line` (after its line ending; a final line without one gets
    /// one first).
    fn insert_after_line(&mut self, line: usize, lines: &[String]) {
        let at = self.t.line_end_incl(line);
        let mut text = String::new();
        if at == self.t.text.len() && !self.t.text.is_empty() && !self.t.ends_with_break() {
            if let Some(l) = self.open_block_scalar_at_eof() {
                self.blocked_at_eof = Some(l);
            }
            text.push_str(self.eol());
        }
        text.push_str(&self.join(lines));
        self.edits.push(Edit {
            start: at,
            end: at,
            text,
        });
    }

    /// When the text ends without a newline and its last node is a block scalar that keeps its
    /// final line break (clip or keep chomping, `|`, `|+`, `>`...), the line where that scalar
    /// starts: a newline added at the end would change its value (`hunter2` becomes
    /// `hunter2\n`). A strip-chomped one (`|-`) drops the break, so adding it changes nothing.
    fn open_block_scalar_at_eof(&self) -> Option<usize> {
        let text = self.t.text;
        if text.is_empty() || self.t.ends_with_break() || self.scan.doc_end_line.is_some() {
            return None;
        }
        let mut node = self.scan.root.as_ref()?;
        loop {
            node = match &node.kind {
                Kind::Map(entries, false) => &entries.last()?.1,
                Kind::Seq(items, false) => items.last()?,
                Kind::Scalar(_, style) => {
                    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                        return None;
                    }
                    let rest = &self.t.masked[node.start.byte.min(text.len())..];
                    let header: String = rest
                        .chars()
                        .take_while(|c| !matches!(c, ' ' | '\t' | '#' | '\r' | '\n'))
                        .collect();
                    let strip = header.starts_with(['|', '>']) && header.contains('-');
                    return (!strip).then_some(node.start.line);
                }
                _ => return None,
            };
        }
    }

    fn insert_before_line(&mut self, line: usize, lines: &[String]) {
        let at = self.t.line_start(line);
        let text = self.join(lines);
        self.edits.push(Edit {
            start: at,
            end: at,
            text,
        });
    }

    /// The last line that belongs with `node`: its last content line, then the comment lines
    /// right after it indented at least `min_indent` (blank lines between them allowed). Comments
    /// less indented introduce what follows and stay below the insertion.
    fn last_line_of(&self, node: &Node, min_indent: usize) -> usize {
        let mut last = node.end.line;
        let stop = self
            .scan
            .doc_end_line
            .unwrap_or(usize::MAX)
            .min(self.t.lines());
        let mut l = last + 1;
        while l < stop {
            let (indent, kind) = line_kind(self.t.line(l));
            match kind {
                LineKind::Blank => {}
                LineKind::Comment if indent >= min_indent => last = l,
                _ => break,
            }
            l += 1;
        }
        last
    }

    fn slot<'n>(&self, map: &'n Node, key: &str, path: &str) -> Result<Slot<'n>, Refusal> {
        if map.count(key) > 1 {
            return shape(format!("{path} appears more than once"), None);
        }
        let Some((k, v)) = map.get(key) else {
            return Ok(Slot::Missing);
        };
        if self.t.made_by_template(v) && !v.is_null() {
            return shape(
                format!(
                    "{path} comes from a template expression; add the client where that template's content is"
                ),
                Some(v.start.line),
            );
        }
        if v.is_null() || v.is_empty_flow() {
            if v.anchored {
                return shape(
                    format!("{path} carries an anchor; merge into it by hand"),
                    Some(v.start.line),
                );
            }
            return Ok(Slot::Empty(k, v));
        }
        Ok(Slot::Block(k, v))
    }

    /// Removes an empty value (`~`, `null`, `[]`, `{}`, with its tag if it has one: `!!null`,
    /// `!!seq []`) and the blanks before it, keeping the key and any comment after it. A value
    /// on a line of its own below its key (`clients:` then `  []`) goes with its line, unless a
    /// comment follows it there: then only the value and the blanks after it go. The lines of
    /// a value spread over several (`[` ... `]`, or `!!seq` then `[]`) go the same way, the
    /// key's own line break staying, so the new lines can go right after the key's line.
    fn clear_empty_value(&mut self, k: &Node, v: &Node) -> Result<(), Refusal> {
        if v.start.byte >= v.end.byte {
            return Ok(());
        }
        let t = self.t;
        let b = t.text.as_bytes();
        let blank = |c: &u8| matches!(c, b' ' | b'\t');
        if b[v.start.byte..v.end.byte].contains(&b'#') {
            return shape(
                "an empty value with a comment inside it; remove the comment (or the value) and merge again",
                Some(v.start.line),
            );
        }
        let own_line = v.start.line != k.end.line;
        let first_start = t.line_start(v.start.line);
        if own_line && !b[first_start..v.start.byte].iter().all(blank) {
            return shape(
                "an empty value that shares its line with other text; remove it or put it on the key's line",
                Some(v.start.line),
            );
        }
        // What follows the value on its last line: only blanks (its line break goes too when
        // the value has lines of its own), or a comment, which stays.
        let last_end = t.line_end_incl(v.end.line);
        let after = b[v.end.byte..last_end]
            .iter()
            .take_while(|c| blank(c))
            .count();
        let rest_blank = b[v.end.byte + after..last_end]
            .iter()
            .all(|c| matches!(c, b'\r' | b'\n'));
        let mut cut = |start: usize, end: usize| {
            if start < end {
                self.edits.push(Edit {
                    start,
                    end,
                    text: String::new(),
                });
            }
        };
        // The value's lines from `from` (a line start) to its end: whole lines, or, with a
        // comment after the value, up to the last line's indentation (the comment keeps it).
        let to_the_end = |from: usize, cut: &mut dyn FnMut(usize, usize)| {
            if rest_blank {
                cut(from, last_end);
            } else {
                let last = t.line_start(v.end.line).max(from);
                let indent = b[last..].iter().take_while(|c| blank(c)).count();
                cut(from, last);
                cut(last + indent, v.end.byte + after);
            }
        };
        if own_line {
            if v.end.line == v.start.line && !rest_blank {
                cut(v.start.byte, v.end.byte + after);
            } else {
                to_the_end(first_start, &mut cut);
            }
            return Ok(());
        }
        let mut s = v.start.byte;
        while s > 0 && blank(&b[s - 1]) {
            s -= 1;
        }
        if v.end.line == v.start.line {
            cut(s, v.end.byte);
        } else {
            // The part on the key's line, its line break kept; then the value's other lines.
            cut(s, first_start + t.line(v.start.line).len());
            to_the_end(t.line_start(v.start.line + 1), &mut cut);
        }
        Ok(())
    }

    fn run(&mut self, on_dup: OnDuplicate) -> Result<(), Refusal> {
        self.check_claim_attributes()?;
        let scan = self.scan;
        let top = additions_tree(self.plan, true);
        let root = match &scan.root {
            None => {
                self.record(true, &[]);
                return self.new_top_level(0, &top);
            }
            Some(r) => r,
        };
        match &root.kind {
            Kind::Map(_, false) => {}
            Kind::Map(_, true) => {
                return shape(
                    "the configuration is written as one flow mapping ({...}); merge by hand",
                    Some(root.start.line),
                );
            }
            _ => {
                return shape(
                    format!(
                        "the configuration is {}, not a mapping of settings",
                        root.type_name()
                    ),
                    Some(root.start.line),
                );
            }
        }
        if root.get("apiVersion").is_some() && root.get("kind").is_some() {
            return shape(
                "this is a Kubernetes manifest, not an Authelia configuration; merge into the configuration it carries by hand",
                None,
            );
        }
        let top = self.top_level_additions(root, &top)?;
        match self.slot(root, "identity_providers", "identity_providers")? {
            Slot::Missing => self.new_top_level(root.start.col, &top),
            Slot::Empty(k, v) => {
                self.top_before(k, &top);
                let col = k.start.col + self.style.indent;
                let mut lines = vec![];
                self.oidc_block(col, &mut lines)?;
                self.clear_empty_value(k, v)?;
                let last = self.last_line_of(k, k.start.col + 1);
                self.insert_after_line(last, &lines);
                Ok(())
            }
            Slot::Block(k, ip) => {
                self.top_before(k, &top);
                self.in_identity_providers(k, ip, on_dup)
            }
        }
    }

    /// Merges the top-level additions (`definitions.user_attributes.<name>`) into the sections
    /// of `root` that exist; returns what is still missing at the top level (placed with
    /// `identity_providers`). A key that a YAML merge key (`<<`) of the root brings in is
    /// refused: a new one beside it would replace it.
    fn top_level_additions(
        &mut self,
        root: &Node,
        top: &Map<String, Value>,
    ) -> Result<Map<String, Value>, Refusal> {
        if top.is_empty() {
            return Ok(Map::new());
        }
        if let Some((line, merged)) = self.merged_keys(root)
            && let Some(k) = top
                .keys()
                .find(|k| root.get(k).is_none() && merged.iter().any(|m| m == *k))
        {
            return shape(
                format!(
                    "the configuration takes `{k}` from a YAML merge key (<<) at line {}; add the client there by hand or write `{k}` at the top level itself",
                    line + 1
                ),
                Some(line),
            );
        }
        self.merge_additions(root, &[], top, true)
    }

    /// Places the missing top-level sections `top` right above the top-level key `key` (and
    /// the comments that introduce it).
    fn top_before(&mut self, key: &Node, top: &Map<String, Value>) {
        if top.is_empty() {
            return;
        }
        let mut lines = vec![];
        yaml::write_map(&mut lines, top, key.start.col, self.style, None);
        lines.push(String::new());
        let before = self.comments_above(key);
        self.insert_before_line(before, &lines);
    }

    /// Refuses a plan whose claims policy reads a user attribute that is neither standard, nor
    /// added by the plan, nor defined in the configuration (Authelia would not start:
    /// identity_providers.go:177-178 and 236-312). Such an attribute can only come from the
    /// user's directory, which the merge does not write.
    fn check_claim_attributes(&self) -> Result<(), Refusal> {
        let added: Vec<&str> = self
            .plan
            .additions
            .iter()
            .filter(|a| a.top_level && a.section == ["definitions", "user_attributes"])
            .map(|a| a.name.as_str())
            .collect();
        let null = serde_yaml::Value::Null;
        let doc = self.doc.as_ref().unwrap_or(&null);
        for a in &self.plan.additions {
            if a.top_level || a.section != ["claims_policies"] {
                continue;
            }
            let Ok(policy) = serde_yaml::to_value(&a.value) else {
                continue;
            };
            for (_, attr) in super::attributes::read_by_policy(&policy) {
                if super::attributes::is_standard(&attr)
                    || added.contains(&attr.as_str())
                    || super::attributes::defined(doc, &attr)
                {
                    continue;
                }
                return shape(
                    format!(
                        "the claims policy '{}' reads the user attribute '{attr}', which is not defined in this configuration and only your user directory can provide; define authentication_backend.ldap.attributes.extra.<LDAP attribute> with name: {attr} (or authentication_backend.file.extra_attributes.{attr}) and merge again",
                        a.name
                    ),
                    None,
                );
            }
        }
        Ok(())
    }

    /// A new `identity_providers:` block at the end of the first document, after the missing
    /// top-level sections `top`.
    fn new_top_level(&mut self, col: usize, top: &Map<String, Value>) -> Result<(), Refusal> {
        let mut lines = vec![];
        if !top.is_empty() {
            yaml::write_map(&mut lines, top, col, self.style, None);
            lines.push(String::new());
        }
        lines.push(format!("{}identity_providers:", pad(col)));
        self.oidc_block(col + self.style.indent, &mut lines)?;
        match self.scan.doc_end_line {
            Some(l) => {
                if l > 0 && line_kind(self.t.line(l - 1)).1 != LineKind::Blank {
                    lines.insert(0, String::new());
                }
                self.insert_before_line(l, &lines);
            }
            None if self.open_block_scalar_at_eof().is_some() => {
                // The file ends inside a block scalar without a newline: the new block goes
                // before the last top-level key instead, so that value keeps its bytes.
                let last_key = match self.scan.root.as_ref().map(|r| &r.kind) {
                    Some(Kind::Map(entries, false)) => entries.last().map(|(k, _)| k),
                    _ => None,
                };
                match last_key {
                    Some(k) => {
                        let before = self.comments_above(k);
                        self.insert_before_line(before, &lines);
                    }
                    None => self.blocked_at_eof = self.open_block_scalar_at_eof(),
                }
            }
            None => {
                let n = self.t.lines();
                if n > 0 && line_kind(self.t.line(n - 1)).1 != LineKind::Blank {
                    lines.insert(0, String::new());
                }
                if n == 0 {
                    let at = self.t.text.len();
                    let text = self.join(&lines);
                    self.edits.push(Edit {
                        start: at,
                        end: at,
                        text,
                    });
                } else {
                    self.insert_after_line(n - 1, &lines);
                }
            }
        }
        Ok(())
    }

    fn child_col(&self, map: &Node) -> usize {
        match &map.kind {
            Kind::Map(entries, _) => entries
                .first()
                .map(|(k, _)| k.start.col)
                .unwrap_or(map.start.col),
            _ => map.start.col,
        }
    }

    fn expect_map(&self, v: &Node, path: &str) -> Result<(), Refusal> {
        match &v.kind {
            Kind::Map(_, false) => Ok(()),
            Kind::Map(_, true) => shape(
                format!(
                    "{path} is written in flow style ({{...}}); rewrite it as a block mapping to merge into it"
                ),
                Some(v.start.line),
            ),
            Kind::Alias(_) => shape(
                format!("{path} is an alias (*name); merge into its anchor by hand"),
                Some(v.start.line),
            ),
            _ => shape(
                format!("{path} is {}, expected a mapping", v.type_name()),
                Some(v.start.line),
            ),
        }
    }

    fn in_identity_providers(
        &mut self,
        _k: &Node,
        ip: &Node,
        on_dup: OnDuplicate,
    ) -> Result<(), Refusal> {
        self.expect_map(ip, "identity_providers")?;
        let col = self.child_col(ip);
        match self.slot(ip, "oidc", "identity_providers.oidc")? {
            Slot::Missing => {
                let mut lines = vec![];
                self.oidc_block(col, &mut lines)?;
                let last = self.last_line_of(ip, col);
                self.insert_after_line(last, &lines);
                Ok(())
            }
            Slot::Empty(k, v) => {
                let mut lines = vec![];
                self.oidc_body(k.start.col + self.style.indent, &mut lines, true, true)?;
                self.clear_empty_value(k, v)?;
                let last = self.last_line_of(k, k.start.col + 1);
                self.insert_after_line(last, &lines);
                Ok(())
            }
            Slot::Block(k, oidc) => self.in_oidc(k, oidc, on_dup),
        }
    }

    /// `oidc:` and its body, at `col`.
    fn oidc_block(&mut self, col: usize, lines: &mut Vec<String>) -> Result<(), Refusal> {
        lines.push(format!("{}oidc:", pad(col)));
        self.oidc_body(col + self.style.indent, lines, true, true)
    }

    /// The body of a new `oidc` section (a first-time setup): the provider's keys, the
    /// provider settings the client needs, the entries it relies on and the clients, keys at
    /// `col`.
    fn oidc_body(
        &mut self,
        col: usize,
        lines: &mut Vec<String>,
        hmac: bool,
        jwks: bool,
    ) -> Result<(), Refusal> {
        let plain = self.uses_plain_pkce();
        self.provider_lines(col, lines, hmac, jwks, plain)?;
        let all = additions_tree(self.plan, false);
        if !all.is_empty() {
            yaml::write_map(lines, &all, col, self.style, None);
            self.record(false, &[]);
        }
        lines.push(format!("{}clients:", pad(col)));
        let dash = if self.style.seq_indent {
            col + self.style.indent
        } else {
            col
        };
        lines.extend(render::client_item_lines(
            &self.plan.client,
            dash,
            self.style,
        ));
        Ok(())
    }

    /// The provider-level lines at `col`: `hmac_secret` and `jwks` (generated, only on a
    /// first-time setup) and `enable_pkce_plain_challenge: true` (when the client needs it);
    /// each recorded as intended.
    fn provider_lines(
        &mut self,
        col: usize,
        lines: &mut Vec<String>,
        hmac: bool,
        jwks: bool,
        plain: bool,
    ) -> Result<(), Refusal> {
        // A file that names the variable a key comes from (`# hmac_secret is loaded via
        // AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE`) gets it from there: written here
        // too, Authelia would refuse to start (internal/configuration/sources.go:303-311).
        let hmac = hmac && !self.named_source("hmac_secret", HMAC_ENV);
        let jwks = jwks && !self.named_source("the signing key (jwks)", ISSUER_KEY_ENV);
        let mut m = Map::new();
        if hmac || jwks {
            let keys = self.keys()?;
            if hmac {
                m.extend(authelia::hmac_value(&keys));
                self.intended.hmac_secret = Some(keys.hmac_secret.clone());
            }
            if jwks {
                let j = authelia::jwks_value(&keys);
                self.intended.jwks = j.get("jwks").cloned();
                m.extend(j);
            }
        }
        if plain {
            m.insert(PKCE_PLAIN_KEY.into(), Value::Bool(true));
            self.intended.additions.push(Addition {
                section: Vec::new(),
                name: PKCE_PLAIN_KEY.into(),
                value: Value::Bool(true),
                top_level: false,
            });
        }
        if !m.is_empty() {
            yaml::write_map(lines, &m, col, self.style, None);
        }
        Ok(())
    }

    /// Whether the text names `env` (the variable, or its `_FILE` form, a key is read from);
    /// if so, a warning says that `what` was therefore not added.
    fn named_source(&mut self, what: &str, env: &str) -> bool {
        if !self.t.text.contains(env) {
            return false;
        }
        self.warnings.push(format!(
            "the file names {env}, so Authelia gets {what} from there; nothing was added for it"
        ));
        true
    }

    /// Whether the client written uses the `plain` PKCE challenge, which Authelia's provider
    /// rejects at sign-in unless `enable_pkce_plain_challenge` is true (oauth2-provider
    /// handler/pkce/handler.go:89-96, internal/oidc/config.go:42; the validator accepts the
    /// client either way, identity_providers.go:697-702).
    fn uses_plain_pkce(&self) -> bool {
        self.plan
            .client
            .pkce_challenge_method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("plain"))
    }

    /// Whether `enable_pkce_plain_challenge: true` must be added to the existing `oidc` block
    /// (the client uses plain PKCE and the block does not set it, inline or through `<<`); a
    /// block that sets it false is refused, since sign-in with this client would fail.
    fn plain_pkce_needed(&self, oidc: &Node, merged: &[String]) -> Result<bool, Refusal> {
        if !self.uses_plain_pkce() {
            return Ok(false);
        }
        match oidc.get(PKCE_PLAIN_KEY) {
            Some((_, v)) => {
                let off = !self.t.made_by_template(v)
                    && matches!(&v.kind, Kind::Scalar(s, _) if s.trim().eq_ignore_ascii_case("false"));
                if off {
                    return shape(
                        format!(
                            "identity_providers.oidc.{PKCE_PLAIN_KEY} is false, so Authelia would refuse this client's plain PKCE challenge at sign-in; set it to true or use pkce=S256"
                        ),
                        Some(v.start.line),
                    );
                }
                Ok(false)
            }
            None => Ok(!merged.iter().any(|k| k == PKCE_PLAIN_KEY)),
        }
    }

    fn in_oidc(
        &mut self,
        oidc_key: &Node,
        oidc: &Node,
        on_dup: OnDuplicate,
    ) -> Result<(), Refusal> {
        self.expect_map(oidc, "identity_providers.oidc")?;
        let col = self.child_col(oidc);
        let deprecated: Vec<&str> = ["issuer_private_key", "issuer_certificate_chain"]
            .into_iter()
            .filter(|k| oidc.get(k).is_some())
            .collect();

        // The clients first: a duplicate id decides what else happens.
        let clients = self.slot(oidc, "clients", "identity_providers.oidc.clients")?;
        let mut old_keys = deprecated.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut existing: Option<(usize, &Node, usize)> = None; // (index, item, dash col)
        if let Slot::Block(_, seq) = &clients {
            match &seq.kind {
                Kind::Seq(items, false) => {
                    for (i, item) in items.iter().enumerate() {
                        for k in ["id", "secret", "description"] {
                            if item.get(k).is_some() && !old_keys.iter().any(|x| x == k) {
                                old_keys.push(k.to_string());
                            }
                        }
                        if existing.is_none()
                            && client_id_of(item) == Some(self.plan.client.client_id.as_str())
                        {
                            let dash = dash_before(self.t, item.start).ok_or_else(|| {
                                Refusal::Shape(
                                    "cannot find the dash of the existing client".into(),
                                    Some(item.start.line),
                                )
                            })?;
                            existing = Some((i, item, dash.col));
                        }
                    }
                }
                Kind::Seq(_, true) => {
                    return shape(
                        "identity_providers.oidc.clients is a flow list ([...]); rewrite it as a block list (one '- client_id: ...' item per client) to merge into it",
                        Some(seq.start.line),
                    );
                }
                Kind::Alias(_) => {
                    return shape(
                        "identity_providers.oidc.clients is an alias (*name); merge into its anchor by hand",
                        Some(seq.start.line),
                    );
                }
                _ => {
                    return shape(
                        format!(
                            "identity_providers.oidc.clients is {}, expected a list",
                            seq.type_name()
                        ),
                        Some(seq.start.line),
                    );
                }
            }
            if seq.anchored {
                return shape(
                    "identity_providers.oidc.clients carries an anchor (&name); merge by hand",
                    Some(seq.start.line),
                );
            }
        }
        if !old_keys.is_empty() {
            self.warnings.push(format!(
                "the configuration uses key names deprecated since Authelia 4.38 ({}); the new client uses the current names, which need Authelia 4.38 or later; 'oidc-wizard check' lists them",
                old_keys.join(", ")
            ));
        }
        if let Some((i, item, dash_col)) = existing {
            match on_dup {
                OnDuplicate::Refuse => {
                    return Err(Refusal::Duplicate(self.plan.client.client_id.clone()));
                }
                OnDuplicate::Rotate => return self.rotate(i, item),
                OnDuplicate::Replace => {
                    self.replace(i, item, dash_col)?;
                }
            }
        }

        // The provider's keys only on a first-time setup: a block that holds none of them and
        // no clients (inline or through `<<`). Any other block belongs to a provider that gets
        // what it lacks here from elsewhere: a secret file (AUTHELIA_..._FILE, which Authelia
        // refuses beside an inline value: internal/configuration/sources.go:303-311), the
        // environment, a template or another configuration file. `issuer_private_key` or
        // `issuer_certificate_chain` alone is a key too (identity_providers.go:317-322).
        let merged = self.merged_keys(oidc);
        let merged_names: &[String] = merged.as_ref().map(|(_, m)| m.as_slice()).unwrap_or(&[]);
        let holds = |k: &str| oidc.get(k).is_some() || merged_names.iter().any(|m| m == k);
        let has_hmac = holds("hmac_secret");
        let has_key = ["jwks", "issuer_private_key", "issuer_certificate_chain"]
            .into_iter()
            .any(holds);
        let first_time = !has_hmac && !has_key && !holds("clients");
        if !first_time {
            if !has_hmac {
                self.warnings.push(
                    "identity_providers.oidc has no hmac_secret here: Authelia must get it from AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE, another configuration file or a secret template; nothing was added".to_string(),
                );
            }
            if !has_key {
                self.warnings.push(
                    "identity_providers.oidc has no signing key here (jwks, or the older issuer_private_key): Authelia must get it from another configuration file, a secret template or AUTHELIA_IDENTITY_PROVIDERS_OIDC_ISSUER_PRIVATE_KEY_FILE; nothing was added".to_string(),
                );
            }
        }
        let plain = self.plain_pkce_needed(oidc, merged_names)?;

        // A key brought in through a YAML merge key (`<<`) would be shadowed by one written
        // here: existing clients, the HMAC secret or the signing key would be lost.
        if let Some((line, merged)) = &merged {
            let (line, merged) = (*line, merged);
            let mut adds: Vec<&str> = Vec::new();
            if matches!(clients, Slot::Missing) {
                adds.push("clients");
            }
            if first_time {
                adds.extend(["hmac_secret", "jwks"]);
            }
            if plain {
                adds.push(PKCE_PLAIN_KEY);
            }
            let tree = additions_tree(self.plan, false);
            adds.extend(
                tree.keys()
                    .map(String::as_str)
                    .filter(|k| oidc.get(k).is_none()),
            );
            if let Some(k) = adds.into_iter().find(|k| merged.iter().any(|m| m == k)) {
                return shape(
                    format!(
                        "identity_providers.oidc takes `{k}` from a YAML merge key (<<) at line {}; add the client there by hand or write `{k}` in identity_providers.oidc itself",
                        line + 1
                    ),
                    Some(line),
                );
            }
        }

        // The provider-level lines (the keys of a first-time setup, the plain PKCE switch),
        // right after the `oidc:` line.
        if first_time || plain {
            let mut lines = vec![];
            self.provider_lines(col, &mut lines, first_time, first_time, plain)?;
            let after = self.last_line_of_key_line(oidc_key);
            self.insert_after_line(after, &lines);
        }

        // The entries the client relies on (claims policies, scopes, lifespans...): into their
        // sections where those exist; sections still missing go before the `clients:` key, or
        // with a new one.
        let tree = additions_tree(self.plan, false);
        let missing = self.merge_additions(oidc, &[], &tree, false)?;
        let mut missing_with_new_clients = false;
        if !missing.is_empty() {
            match &clients {
                Slot::Block(ck, _) | Slot::Empty(ck, _) => {
                    let mut lines = vec![];
                    yaml::write_map(&mut lines, &missing, col, self.style, None);
                    let before = self.comments_above(ck);
                    self.insert_before_line(before, &lines);
                }
                Slot::Missing => missing_with_new_clients = true,
            }
        }

        if existing.is_some() {
            return Ok(());
        }
        // The client.
        match clients {
            Slot::Missing => {
                let mut lines = vec![];
                if missing_with_new_clients {
                    yaml::write_map(&mut lines, &missing, col, self.style, None);
                }
                {
                    lines.push(format!("{}clients:", pad(col)));
                    let dash = if self.style.seq_indent {
                        col + self.style.indent
                    } else {
                        col
                    };
                    lines.extend(render::client_item_lines(
                        &self.plan.client,
                        dash,
                        self.style,
                    ));
                }
                let last = self.last_line_of(oidc, col);
                self.insert_after_line(last, &lines);
            }
            Slot::Empty(k, v) => {
                let mut lines = vec![];
                let dash = if self.style.seq_indent {
                    k.start.col + self.style.indent
                } else {
                    k.start.col
                };
                lines.extend(render::client_item_lines(
                    &self.plan.client,
                    dash,
                    self.style,
                ));
                self.clear_empty_value(k, v)?;
                let last = self.last_line_of(k, k.start.col + 1);
                self.insert_after_line(last, &lines);
            }
            Slot::Block(k, seq) => {
                let Kind::Seq(items, _) = &seq.kind else {
                    unreachable!("checked above")
                };
                let first = items.first().ok_or_else(|| {
                    Refusal::Shape("empty clients list".into(), Some(seq.start.line))
                })?;
                let dash = dash_before(self.t, first.start).ok_or_else(|| {
                    Refusal::Shape(
                        "cannot find the dash of the first client".into(),
                        Some(first.start.line),
                    )
                })?;
                let offset = first.start.col.saturating_sub(dash.col);
                let lines = if first.start.line == dash.line {
                    item_lines(self.plan, dash.col, offset, self.style)
                } else {
                    item_lines(self.plan, dash.col, 2, self.style)
                };
                let min = if dash.col > k.start.col {
                    dash.col
                } else {
                    dash.col + 1
                };
                let last = self.last_line_of(seq, min);
                self.insert_after_line(last, &lines);
            }
        }
        Ok(())
    }

    /// Records as intended every plan addition at or under `prefix` (a path of keys under
    /// `oidc`, or from the top level when `top`: sections, then the entry's name).
    fn record(&mut self, top: bool, prefix: &[String]) {
        for a in &self.plan.additions {
            if a.top_level != top {
                continue;
            }
            let full = a.section.iter().chain(std::iter::once(&a.name));
            if full.take(prefix.len()).eq(prefix.iter()) {
                self.intended.additions.push(a.clone());
            }
        }
    }

    /// Merges the part `tree` of the additions into the block mapping `node` (at `path` under
    /// `oidc`, or from the top level when `top`): sections are descended into (or filled when
    /// empty), entries appended. An entry under `oidc` that exists already is left as it is,
    /// with a warning; a top-level one is reused when it is equal and refused when not. Returns
    /// what goes directly under `node` and is not there yet (the caller places it); records it
    /// as intended.
    fn merge_additions(
        &mut self,
        node: &Node,
        path: &[String],
        tree: &Map<String, Value>,
        top: bool,
    ) -> Result<Map<String, Value>, Refusal> {
        let mut missing = Map::new();
        for (key, sub) in tree {
            let mut p = path.to_vec();
            p.push(key.clone());
            let label = if top {
                p.join(".")
            } else {
                format!("identity_providers.oidc.{}", p.join("."))
            };
            if !is_section(self.plan, top, &p) {
                // An entry.
                if let Some((k, _)) = node.get(key) {
                    if top {
                        self.reuse_top_level(&p, &label, sub, k.start.line)?;
                    } else {
                        self.warn_existing(&p, sub);
                    }
                } else {
                    missing.insert(key.clone(), sub.clone());
                    self.record(top, &p);
                }
                continue;
            }
            let Value::Object(sub) = sub else {
                return shape(
                    format!("the plan adds {label} both as a section and as an entry"),
                    None,
                );
            };
            match self.slot(node, key, &label)? {
                Slot::Missing => {
                    missing.insert(key.clone(), Value::Object(sub.clone()));
                    self.record(top, &p);
                }
                Slot::Empty(k, v) => {
                    let mut lines = vec![];
                    yaml::write_map(
                        &mut lines,
                        sub,
                        k.start.col + self.style.indent,
                        self.style,
                        None,
                    );
                    self.clear_empty_value(k, v)?;
                    let last = self.last_line_of(k, k.start.col + 1);
                    self.insert_after_line(last, &lines);
                    self.record(top, &p);
                }
                Slot::Block(_, child) => {
                    self.expect_map(child, &label)?;
                    if child.anchored {
                        return shape(
                            format!("{label} carries an anchor (&name); merge into it by hand"),
                            Some(child.start.line),
                        );
                    }
                    let add = self.merge_additions(child, &p, sub, top)?;
                    if !add.is_empty() {
                        let ccol = self.child_col(child);
                        let mut lines = vec![];
                        yaml::write_map(&mut lines, &add, ccol, self.style, None);
                        let last = self.last_line_of(child, ccol);
                        self.insert_after_line(last, &lines);
                    }
                }
            }
        }
        Ok(missing)
    }

    /// A top-level entry the plan adds that the file has already (at 0-based `line`): kept
    /// when it reads the same as the plan's value, else refused (the client's claims would
    /// read another definition than its guide's).
    fn reuse_top_level(
        &self,
        p: &[String],
        label: &str,
        value: &Value,
        line: usize,
    ) -> Result<(), Refusal> {
        let theirs = self
            .doc
            .as_ref()
            .and_then(|d| p.iter().try_fold(d, |v, k| v.get(k.as_str())));
        let ours = serde_yaml::to_value(value).ok();
        if theirs.is_some() && theirs == ours.as_ref() {
            return Ok(());
        }
        shape(
            format!(
                "{label} exists already with another value; the new client needs it to read {}: change it (or rename yours) and merge again",
                serde_json::to_string(value).unwrap_or_default()
            ),
            Some(line),
        )
    }

    /// The warning for an entry the plan would add that the file has already.
    fn warn_existing(&mut self, p: &[String], value: &Value) {
        let (name, section) = p.split_last().unwrap_or_else(|| unreachable!());
        if section == ["claims_policies"]
            && let Some(cp) = &self.plan.claims_policy
            && &cp.name == name
        {
            self.warnings.push(format!(
                "claims policy '{}' already exists and was left as it is; it should put {} in the ID token",
                cp.name,
                cp.id_token.join(", ")
            ));
            return;
        }
        self.warnings.push(format!(
            "identity_providers.oidc.{}.{name} already exists and was left as it is; the client relies on it, so check that it reads {}",
            section.join("."),
            serde_json::to_string(value).unwrap_or_default()
        ));
    }

    /// When `map` has a YAML merge key (`<<`), its line and the keys it brings in (from a
    /// mapping, an alias of one, or a list of those; an alias that cannot be resolved brings
    /// in `<<` itself, which no key equals, and the gate still checks the result).
    fn merged_keys(&self, map: &Node) -> Option<(usize, Vec<String>)> {
        let Kind::Map(entries, _) = &map.kind else {
            return None;
        };
        let (k, v) = entries.iter().find(|(k, _)| k.scalar() == Some("<<"))?;
        let mut keys = Vec::new();
        let push_map = |n: &Node, keys: &mut Vec<String>| {
            if let Kind::Map(es, _) = &n.kind {
                keys.extend(
                    es.iter()
                        .filter_map(|(k, _)| k.scalar().map(str::to_string)),
                );
            }
        };
        let resolve = |n: &'_ Node| -> Option<Node> {
            match &n.kind {
                Kind::Alias(id) => self
                    .scan
                    .root
                    .as_ref()
                    .and_then(|r| find_anchor(r, *id))
                    .cloned(),
                _ => Some(n.clone()),
            }
        };
        match &v.kind {
            Kind::Seq(items, _) => {
                for i in items {
                    if let Some(n) = resolve(i) {
                        push_map(&n, &mut keys);
                    }
                }
            }
            _ => {
                if let Some(n) = resolve(v) {
                    push_map(&n, &mut keys);
                }
            }
        }
        Some((k.start.line, keys))
    }

    /// The key line of a block value (the line to insert right after).
    fn last_line_of_key_line(&self, key: &Node) -> usize {
        key.end.line
    }

    /// The first line of the comment lines directly above `key` at its column (or the key's
    /// own line): new sibling keys go there so the comments stay with the key they introduce.
    fn comments_above(&self, key: &Node) -> usize {
        let mut l = key.start.line;
        while l > 0 {
            let (indent, kind) = line_kind(self.t.line(l - 1));
            if kind == LineKind::Comment && indent == key.start.col {
                l -= 1;
            } else {
                break;
            }
        }
        l
    }

    fn rotate(&mut self, index: usize, item: &Node) -> Result<(), Refusal> {
        let id = &self.plan.client.client_id;
        if self.plan.client.client_secret.as_deref() == Some("") {
            return shape(
                "the new secret's digest is still being computed; rotate once it is ready",
                None,
            );
        }
        let Some(digest) = self
            .plan
            .client
            .client_secret
            .clone()
            .filter(|d| !d.is_empty())
        else {
            return shape(
                format!("client '{id}' has no secret to rotate: the app uses a public client"),
                None,
            );
        };
        let (key, (_, v)) = match (item.get("client_secret"), item.get("secret")) {
            (Some(e), _) => ("client_secret", e),
            (None, Some(e)) => ("secret", e),
            (None, None) => {
                return Err(Refusal::Conflict(
                    Conflict::NoSecretToRotate,
                    Some(item.start.line),
                ));
            }
        };
        if self.t.made_by_template(v) {
            let raw = &self.t.text[v.start.byte..v.end.byte.max(v.start.byte)];
            let kept = match secret_file_of(raw) {
                Some(f) => {
                    format!("write the new digest (oidc-wizard hash) into {f}, the file it reads")
                }
                None => "rotate it where that value is kept".to_string(),
            };
            return shape(
                format!(
                    "the secret of client '{id}' comes from a template expression, which is never replaced; {kept}"
                ),
                Some(v.start.line),
            );
        }
        if v.start.line != v.end.line || !matches!(&v.kind, Kind::Scalar(..)) {
            return Err(Refusal::Conflict(
                Conflict::SecretNotOneLine,
                Some(v.start.line),
            ));
        }
        let quoted = yaml::quote(&digest);
        let text = if v.start.byte == v.end.byte {
            format!(" {quoted}")
        } else {
            quoted
        };
        self.edits.push(Edit {
            start: v.start.byte,
            end: v.end.byte,
            text,
        });
        self.intended.client = ClientChange::SetSecret(index, key.to_string(), digest);
        Ok(())
    }

    fn replace(&mut self, index: usize, item: &Node, dash_col: usize) -> Result<(), Refusal> {
        let dash = dash_before(self.t, item.start).ok_or_else(|| {
            Refusal::Shape(
                "cannot find the dash of the existing client".into(),
                Some(item.start.line),
            )
        })?;
        let before = &self.t.text[self.t.line_start(dash.line)..dash.byte];
        if !before.chars().all(|c| c == ' ') {
            return shape(
                "the existing client does not start its own line; replace it by hand",
                Some(dash.line),
            );
        }
        let offset = if item.start.line == dash.line {
            item.start.col.saturating_sub(dash.col)
        } else {
            2
        };
        let lines = item_lines(self.plan, dash_col, offset, self.style);
        let start = self.t.line_start(dash.line);
        let end = self.t.line_end_incl(item.end.line);
        let mut text = self.join(&lines);
        if end == self.t.text.len() && !self.t.ends_with_break() {
            // The item ended the file without a newline: keep it that way.
            text.truncate(text.len() - self.eol().len());
        }
        self.edits.push(Edit { start, end, text });
        self.intended.client = ClientChange::Replace(index, client_json(self.plan));
        Ok(())
    }
}

/// The lines of a client item with its dash at `dash_col` and its keys `offset` columns after
/// the dash (2 in `- key`, 4 in `-   key`), as the file's existing items have them.
fn item_lines(plan: &Plan, dash_col: usize, offset: usize, style: Style) -> Vec<String> {
    let mut lines = render::client_item_lines(&plan.client, dash_col, style);
    if offset > 2 {
        let extra = pad(offset - 2);
        for (i, l) in lines.iter_mut().enumerate() {
            if i == 0 {
                l.insert_str(dash_col + 1, &extra);
            } else {
                l.insert_str(0, &extra);
            }
        }
    }
    lines
}

/// The plan's additions as one tree of keys under `oidc` (or, when `top`, the top-level ones
/// from the top level): sections, then names, in the order they first appear.
fn additions_tree(plan: &Plan, top: bool) -> Map<String, Value> {
    let mut root = Map::new();
    for a in plan.additions.iter().filter(|a| a.top_level == top) {
        let mut m = &mut root;
        for key in &a.section {
            let slot = m
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            m = slot.as_object_mut().unwrap_or_else(|| unreachable!());
        }
        m.insert(a.name.clone(), a.value.clone());
    }
    root
}

/// Whether `path` (keys under `oidc`, or from the top level when `top`) is a section some
/// addition goes into (or through).
fn is_section(plan: &Plan, top: bool, path: &[String]) -> bool {
    plan.additions.iter().any(|a| {
        a.top_level == top && a.section.len() >= path.len() && a.section[..path.len()] == *path
    })
}

/// The node carrying anchor `id` under `n`.
fn find_anchor(n: &Node, id: usize) -> Option<&Node> {
    if id != 0 && n.anchor == id {
        return Some(n);
    }
    match &n.kind {
        Kind::Seq(items, _) => items.iter().find_map(|i| find_anchor(i, id)),
        Kind::Map(entries, _) => entries
            .iter()
            .find_map(|(k, v)| find_anchor(k, id).or_else(|| find_anchor(v, id))),
        _ => None,
    }
}

/// Applies non-overlapping edits to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let extra: usize = sorted.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The file a `{{ secret "PATH" }}` template reads, when the value is one.
fn secret_file_of(raw: &str) -> Option<&str> {
    let rest = &raw[raw.find("secret")? + "secret".len()..];
    let rest = rest.trim_start().strip_prefix('"')?;
    rest.split('"').next().filter(|p| !p.is_empty())
}
