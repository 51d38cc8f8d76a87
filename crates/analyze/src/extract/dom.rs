//! A flat arena DOM built by html5ever's tree builder, walked with explicit stacks only.
//!
//! Nodes live in one `Vec` and link to each other by index, so building is a push per node and
//! dropping is one deallocation: no recursive drop, whatever the nesting depth. Comments,
//! processing instructions and the doctype are not kept: extraction never reads them.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, ParseOpts, QualName, local_name, ns, parse_document};

/// Index of a node in [`Dom::nodes`].
pub(crate) type NodeId = u32;

/// The "no node" index, for absent links.
pub(crate) const NONE: NodeId = u32::MAX;

/// What a node holds.
#[derive(Debug)]
pub(crate) enum NodeData {
    /// The document root.
    Document,
    /// An element with its attributes.
    Element {
        /// Qualified name (namespace and local name).
        name: QualName,
        /// Attributes in source order.
        attrs: Vec<Attribute>,
    },
    /// A run of text (adjacent runs are merged).
    Text(StrTendril),
    /// A node extraction ignores (comment, processing instruction).
    Ignored,
}

/// One node and its tree links.
#[derive(Debug)]
pub(crate) struct Node {
    pub parent: NodeId,
    pub first_child: NodeId,
    pub last_child: NodeId,
    pub prev: NodeId,
    pub next: NodeId,
    pub data: NodeData,
}

impl Node {
    fn new(data: NodeData) -> Self {
        Node { parent: NONE, first_child: NONE, last_child: NONE, prev: NONE, next: NONE, data }
    }

    /// The local name of an HTML element, if this is one.
    pub fn local(&self) -> Option<&LocalName> {
        match &self.data {
            NodeData::Element { name, .. } if name.ns == ns!(html) => Some(&name.local),
            NodeData::Element { name, .. } => Some(&name.local),
            _ => None,
        }
    }

    /// Whether this is an element named `local`.
    pub fn is(&self, local: &LocalName) -> bool {
        self.local() == Some(local)
    }

    /// An attribute's value by local name.
    pub fn attr(&self, local: &LocalName) -> Option<&str> {
        match &self.data {
            NodeData::Element { attrs, .. } => {
                attrs.iter().find(|a| a.name.local == *local).map(|a| &*a.value)
            }
            _ => None,
        }
    }
}

/// A parsed document.
#[derive(Debug)]
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
}

/// The document node is always index 0.
pub(crate) const DOCUMENT: NodeId = 0;

impl Dom {
    /// Parses a whole HTML document (never fails: HTML parsing recovers from everything).
    /// The flag tells whether excessive nesting was flattened before parsing.
    pub fn parse(html: &str) -> (Dom, bool) {
        let sink = Sink { nodes: RefCell::new(vec![Node::new(NodeData::Document)]) };
        let opts = ParseOpts::default();
        let mut parser = parse_document(sink, opts);
        let flattened = super::prescan::segments(html, |seg| {
            if !seg.is_empty() {
                parser.process(StrTendril::from_slice(seg));
            }
        });
        (parser.finish(), flattened)
    }

    /// The node at `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children { dom: self, next: self.node(id).first_child }
    }

    /// Pre-order traversal of the subtree under `root` (root included), with an explicit path,
    /// never recursion. Calls `enter(id)`; if it returns false, the subtree is skipped. Calls
    /// `leave(id)` after the subtree of every entered node.
    pub fn walk(
        &self,
        root: NodeId,
        mut enter: impl FnMut(NodeId) -> bool,
        mut leave: impl FnMut(NodeId),
    ) {
        // Iterative walk using the sibling/parent links: no stack needed at all.
        let mut cur = root;
        loop {
            let descend = enter(cur);
            let first = self.node(cur).first_child;
            if descend && first != NONE {
                cur = first;
                continue;
            }
            if !descend {
                // Not entered: no leave call for it.
            } else {
                leave(cur);
            }
            // Climb until a next sibling exists.
            loop {
                if cur == root {
                    return;
                }
                let n = self.node(cur);
                if n.next != NONE {
                    cur = n.next;
                    break;
                }
                cur = n.parent;
                if cur == NONE {
                    return;
                }
                leave(cur);
            }
        }
    }

    /// The concatenated text of a subtree (whitespace kept as is).
    pub fn text_of(&self, root: NodeId) -> String {
        let mut out = String::new();
        self.walk(
            root,
            |id| {
                if let NodeData::Text(t) = &self.node(id).data {
                    out.push_str(t);
                }
                true
            },
            |_| {},
        );
        out
    }

    /// The first element in document order matching `pred`.
    pub fn find(&self, root: NodeId, mut pred: impl FnMut(&Node) -> bool) -> Option<NodeId> {
        let mut found = None;
        self.walk(
            root,
            |id| {
                if found.is_some() {
                    return false;
                }
                if pred(self.node(id)) {
                    found = Some(id);
                    return false;
                }
                true
            },
            |_| {},
        );
        found
    }
}

/// Iterator over a node's children.
pub(crate) struct Children<'a> {
    dom: &'a Dom,
    next: NodeId,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.node(id).next;
        Some(id)
    }
}

/// Attributes extraction reads.
fn kept_attr(l: &LocalName) -> bool {
    matches!(
        *l,
        local_name!("class")
            | local_name!("id")
            | local_name!("hidden")
            | local_name!("aria-hidden")
            | local_name!("style")
            | local_name!("role")
            | local_name!("href")
            | local_name!("src")
            | local_name!("srcset")
            | local_name!("datetime")
            | local_name!("itemprop")
            | local_name!("lang")
            | local_name!("name")
            | local_name!("property")
            | local_name!("content")
            | local_name!("rel")
            | local_name!("type")
    ) || &**l == "pubdate"
        || &**l == "data-src"
}

/// The html5ever tree sink writing into the arena.
struct Sink {
    nodes: RefCell<Vec<Node>>,
}

/// Returned by `elem_name` for a non-element handle (the builder never asks for one).
static DUMMY_NAME: std::sync::LazyLock<QualName> =
    std::sync::LazyLock::new(|| QualName::new(None, ns!(html), local_name!("div")));

impl Sink {
    fn push(&self, data: NodeData) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len() as NodeId;
        nodes.push(Node::new(data));
        id
    }
}

/// Unlinks `id` from its parent and siblings.
fn detach(nodes: &mut [Node], id: NodeId) {
    let (parent, prev, next) = {
        let n = &nodes[id as usize];
        (n.parent, n.prev, n.next)
    };
    if parent == NONE {
        return;
    }
    if prev != NONE {
        nodes[prev as usize].next = next;
    } else {
        nodes[parent as usize].first_child = next;
    }
    if next != NONE {
        nodes[next as usize].prev = prev;
    } else {
        nodes[parent as usize].last_child = prev;
    }
    let n = &mut nodes[id as usize];
    n.parent = NONE;
    n.prev = NONE;
    n.next = NONE;
}

/// Appends the detached node `id` as the last child of `parent`.
fn append_child(nodes: &mut [Node], parent: NodeId, id: NodeId) {
    let last = nodes[parent as usize].last_child;
    {
        let n = &mut nodes[id as usize];
        n.parent = parent;
        n.prev = last;
        n.next = NONE;
    }
    if last != NONE {
        nodes[last as usize].next = id;
    } else {
        nodes[parent as usize].first_child = id;
    }
    nodes[parent as usize].last_child = id;
}

/// Inserts the detached node `id` just before `sibling`.
fn insert_before(nodes: &mut [Node], sibling: NodeId, id: NodeId) {
    let (parent, prev) = {
        let s = &nodes[sibling as usize];
        (s.parent, s.prev)
    };
    {
        let n = &mut nodes[id as usize];
        n.parent = parent;
        n.prev = prev;
        n.next = sibling;
    }
    nodes[sibling as usize].prev = id;
    if prev != NONE {
        nodes[prev as usize].next = id;
    } else {
        nodes[parent as usize].first_child = id;
    }
}

impl TreeSink for Sink {
    type Handle = NodeId;
    type Output = Dom;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Dom {
        Dom { nodes: self.nodes.into_inner() }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        DOCUMENT
    }

    fn elem_name<'a>(&'a self, target: &NodeId) -> Ref<'a, QualName> {
        let nodes = self.nodes.borrow();
        Ref::map(nodes, |nodes| match nodes.get(*target as usize).map(|n| &n.data) {
            Some(NodeData::Element { name, .. }) => name,
            _ => &DUMMY_NAME,
        })
    }

    fn create_element(&self, name: QualName, mut attrs: Vec<Attribute>, _: ElementFlags) -> NodeId {
        // Keep only the attributes extraction reads; big `srcset`s stay, `data-*` blobs and
        // inline event handlers go at once.
        attrs.retain(|a| kept_attr(&a.name.local));
        self.push(NodeData::Element { name, attrs })
    }

    fn create_comment(&self, _text: StrTendril) -> NodeId {
        self.push(NodeData::Ignored)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> NodeId {
        self.push(NodeData::Ignored)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        match child {
            NodeOrText::AppendNode(id) => {
                let mut nodes = self.nodes.borrow_mut();
                detach(&mut nodes, id);
                append_child(&mut nodes, *parent, id);
            }
            NodeOrText::AppendText(text) => {
                {
                    let mut nodes = self.nodes.borrow_mut();
                    let last = nodes[*parent as usize].last_child;
                    if last != NONE
                        && let NodeData::Text(t) = &mut nodes[last as usize].data
                    {
                        t.push_tendril(&text);
                        return;
                    }
                }
                let id = self.push(NodeData::Text(text));
                append_child(&mut self.nodes.borrow_mut(), *parent, id);
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        // Template contents live under the template element itself; extraction skips templates.
        *target
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        if self.nodes.borrow()[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => {
                let mut nodes = self.nodes.borrow_mut();
                detach(&mut nodes, id);
                insert_before(&mut nodes, *sibling, id);
            }
            NodeOrText::AppendText(text) => {
                {
                    let mut nodes = self.nodes.borrow_mut();
                    let prev = nodes[*sibling as usize].prev;
                    if prev != NONE
                        && let NodeData::Text(t) = &mut nodes[prev as usize].data
                    {
                        t.push_tendril(&text);
                        return;
                    }
                }
                let id = self.push(NodeData::Text(text));
                insert_before(&mut self.nodes.borrow_mut(), *sibling, id);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, new: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeData::Element { attrs, .. } = &mut nodes[*target as usize].data {
            for a in new {
                if !attrs.iter().any(|b| b.name == a.name) {
                    attrs.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &NodeId) {
        detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut nodes = self.nodes.borrow_mut();
        let mut child = nodes[*node as usize].first_child;
        while child != NONE {
            let next = nodes[child as usize].next;
            detach(&mut nodes, child);
            append_child(&mut nodes, *new_parent, child);
            child = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_tree_and_walks() {
        let (dom, _) = Dom::parse("<p>a<b>b</b>c</p><p>d");
        assert_eq!(dom.text_of(DOCUMENT), "abcd");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(100_000) + "x" + &"</div>".repeat(100_000);
        let (dom, flattened) = Dom::parse(&html);
        assert!(flattened);
        assert_eq!(dom.text_of(DOCUMENT), "x");
    }

    #[test]
    fn misnested_tags_are_reparented() {
        let (dom, _) = Dom::parse("<table><tr><td>a</td></tr>b</table><p><b>c<p>d</b>e");
        assert_eq!(dom.text_of(DOCUMENT), "bacde");
    }
}
