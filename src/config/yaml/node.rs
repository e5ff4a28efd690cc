//! YAML loader: takes the text of one file; gives a tree of [`Node`]s, each carrying its 1-based
//! (line, column), plus diagnostics for what the tree cannot hold: syntax errors (fatal, no tree),
//! and duplicate keys, merge keys, recursive aliases and extra documents (reported, tree kept).

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::diagnostic::Diagnostic;
use super::scalar;

/// Collections nested deeper than this are rejected, so nothing later recurses too deep.
const MAX_DEPTH: usize = 128;
/// Aliases may not expand the tree beyond this many nodes (defuses "billion laughs").
const MAX_NODES: usize = 1_000_000;

/// A YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub(super) value: NodeValue,
    /// 1-based (line, column) of the node's first character (its anchor or tag, if any).
    pub(super) location: (usize, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum NodeValue {
    /// An empty value, or a plain `~`, `null`, `Null` or `NULL`.
    Null,
    /// Any other scalar; `plain` is false for quoted and block scalars and for `!!str`.
    Scalar {
        text: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    /// Entries in file order; duplicate keys are already removed.
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    pub(super) fn null(location: (usize, usize)) -> Node {
        Node {
            value: NodeValue::Null,
            location,
        }
    }

    /// The text of a scalar, or `None` for null and collections.
    pub(super) fn text(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// How many nodes this tree holds, itself included.
    fn size(&self) -> usize {
        1 + match &self.value {
            NodeValue::Null | NodeValue::Scalar { .. } => 0,
            NodeValue::Sequence(items) => items.iter().map(Node::size).sum(),
            NodeValue::Mapping(entries) => entries.iter().map(|(k, v)| k.size() + v.size()).sum(),
        }
    }
}

/// Loads the single document in `text`. Problems go to `diagnostics`; `None` means the text is
/// not valid YAML (or is too deep or too large) and there is no tree at all. An empty file is a
/// null document.
pub(super) fn load(text: &str, file: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Node> {
    let mut loader = Loader {
        file,
        diagnostics,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        documents: 0,
        root: None,
    };
    for item in Parser::new_from_str(text) {
        let step = match item {
            Ok((event, span)) => loader.event(event, position(span.start)),
            Err(error) => Err(Diagnostic::new(
                file,
                position(*error.marker()),
                format!("invalid yaml: {}", error.info()),
            )),
        };
        match step {
            Ok(true) => {}
            Ok(false) => break,
            Err(fatal) => {
                loader.diagnostics.push(fatal);
                return None;
            }
        }
    }
    Some(loader.root.unwrap_or_else(|| Node::null((1, 1))))
}

/// saphyr's markers have 1-based lines and 0-based columns.
fn position(marker: Marker) -> (usize, usize) {
    (marker.line(), marker.col() + 1)
}

/// A collection whose end event has not arrived yet.
enum Frame {
    Sequence {
        location: (usize, usize),
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        location: (usize, usize),
        anchor: usize,
        entries: Vec<(Node, Node)>,
        /// A key waiting for its value.
        key: Option<Node>,
        /// Scalar keys seen so far (`None` for a null key) and the line each was defined on.
        seen: HashMap<Option<String>, usize>,
    },
}

struct Loader<'a> {
    file: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
    stack: Vec<Frame>,
    /// Completed anchored nodes by the parser's anchor id.
    anchors: HashMap<usize, Node>,
    nodes: usize,
    documents: usize,
    root: Option<Node>,
}

impl Loader<'_> {
    /// Handles one event. `Ok(false)` stops loading (a second document); `Err` is fatal.
    fn event(&mut self, event: Event<'_>, at: (usize, usize)) -> Result<bool, Diagnostic> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.report(
                        at,
                        "found a second yaml document, but a file may contain only one",
                    );
                    return Ok(false);
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain && !tag.is_some_and(|t| is_str_tag(&t));
                let value = if plain && scalar::is_null(&text) {
                    NodeValue::Null
                } else {
                    NodeValue::Scalar {
                        text: text.into_owned(),
                        plain,
                    }
                };
                self.count(1, at)?;
                self.complete(
                    Node {
                        value,
                        location: at,
                    },
                    anchor,
                );
            }
            Event::SequenceStart(anchor, _) => self.open(Frame::Sequence {
                location: at,
                anchor,
                items: Vec::new(),
            })?,
            Event::MappingStart(anchor, _) => self.open(Frame::Mapping {
                location: at,
                anchor,
                entries: Vec::new(),
                key: None,
                seen: HashMap::new(),
            })?,
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => {
                let node = match self.anchors.get(&id) {
                    Some(anchored) => {
                        let size = anchored.size();
                        let mut copy = anchored.clone();
                        copy.location = at;
                        self.count(size, at)?;
                        copy
                    }
                    None => {
                        self.report(
                            at,
                            "this alias refers to a node that contains it (recursive aliases are not supported)",
                        );
                        Node::null(at)
                    }
                };
                self.complete(node, 0);
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(true)
    }

    fn report(&mut self, at: (usize, usize), message: &str) {
        self.diagnostics
            .push(Diagnostic::new(self.file, at, message));
    }

    fn count(&mut self, nodes: usize, at: (usize, usize)) -> Result<(), Diagnostic> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES {
            return Err(Diagnostic::new(
                self.file,
                at,
                format!("aliases expand this file to more than {MAX_NODES} nodes"),
            ));
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame) -> Result<(), Diagnostic> {
        let at = match &frame {
            Frame::Sequence { location, .. } | Frame::Mapping { location, .. } => *location,
        };
        self.count(1, at)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::new(
                self.file,
                at,
                format!("collections are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self) {
        // The parser balances start and end events; an unmatched end is simply ignored.
        let (node, anchor) = match self.stack.pop() {
            Some(Frame::Sequence {
                location,
                anchor,
                items,
            }) => (
                Node {
                    value: NodeValue::Sequence(items),
                    location,
                },
                anchor,
            ),
            Some(Frame::Mapping {
                location,
                anchor,
                entries,
                ..
            }) => (
                Node {
                    value: NodeValue::Mapping(entries),
                    location,
                },
                anchor,
            ),
            None => return,
        };
        self.complete(node, anchor);
    }

    /// Records a finished node under its anchor (0 = none) and adds it to its parent.
    fn complete(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries, key, seen, ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(key) => {
                    if let Some(problem) = check_key(&key, seen) {
                        self.diagnostics
                            .push(Diagnostic::new(self.file, key.location, problem));
                    } else {
                        entries.push((key, node));
                    }
                }
            },
        }
    }
}

/// Why `key` cannot be added to a mapping that already has the `seen` keys, if it cannot.
fn check_key(key: &Node, seen: &mut HashMap<Option<String>, usize>) -> Option<String> {
    let identity = match &key.value {
        NodeValue::Scalar { text, plain: true } if text == "<<" => {
            return Some("merge keys (`<<`) are not supported".to_owned());
        }
        NodeValue::Scalar { text, .. } => Some(text.clone()),
        NodeValue::Null => None,
        // Collections as keys are rare enough not to be checked for duplicates.
        NodeValue::Sequence(_) | NodeValue::Mapping(_) => return None,
    };
    let line = key.location.0;
    match seen.get(&identity) {
        Some(first) => Some(format!(
            "duplicate key `{}` (first defined at line {first})",
            identity.as_deref().unwrap_or("null")
        )),
        None => {
            seen.insert(identity, line);
            None
        }
    }
}

fn is_str_tag(tag: &Tag) -> bool {
    tag.is_yaml_core_schema() && tag.suffix == "str"
}
