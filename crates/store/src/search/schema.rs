//! The search index's schema, its tokenizers, and the version stamp that says when an index on
//! disk was made by another schema and must be rebuilt.

use tantivy::Index;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};

/// Bumped whenever the fields, their options or the tokenizers change: an index stamped with
/// another number is rebuilt from the store.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// The prefix of the commit payload that records [`SCHEMA_VERSION`].
pub(crate) const PAYLOAD_PREFIX: &str = "wirewatch-search-schema=";

/// The tokenizer of free text: words, lower-cased, accents folded, English stems (news in other
/// languages still matches word for word; stemming only merges English inflections).
pub(crate) const TEXT_TOKENIZER: &str = "wirewatch_text";
/// The tokenizer of keyword fields (outlet, language, story, kind): the whole value, lower-cased.
pub(crate) const KEYWORD_TOKENIZER: &str = "wirewatch_keyword";

/// The fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `article` or `statement`.
    pub kind: Field,
    /// The document key (raw, exact): deleting by it removes a document's article and statements.
    pub document: Field,
    /// The version number indexed.
    pub version: Field,
    /// A fingerprint of what the article entry was built from (articles only), so a sync can tell
    /// stale entries from current ones without reading stored documents.
    pub sig: Field,
    /// The headline (articles; searched and boosted).
    pub title: Field,
    /// The headline of the article a statement comes from (stored only, for display).
    pub article_title: Field,
    /// The article body, or the statement's quoted text.
    pub body: Field,
    /// The statement's speaker as written.
    pub speaker: Field,
    /// The agency or channel a statement came through.
    pub via: Field,
    /// The outlet (keyword).
    pub outlet: Field,
    /// The language code (keyword).
    pub language: Field,
    /// The story id (keyword).
    pub story: Field,
    /// Store-wide entity ids: those an article mentions, or a statement's speaker.
    pub entity: Field,
    /// Publication time, for range filters and date order.
    pub published: Field,
    /// Publication time as stored, for display.
    pub published_text: Field,
}

/// Builds the schema and its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored();
    let kind = b.add_text_field("kind", keyword.clone());
    let document = b.add_text_field("document", STRING | STORED | FAST);
    let version = b.add_i64_field("version", STORED);
    let sig = b.add_u64_field("sig", FAST);
    let title = b.add_text_field("title", text(true));
    let article_title = b.add_text_field("article_title", STORED);
    let body = b.add_text_field("body", text(true));
    let speaker = b.add_text_field("speaker", text(true));
    let via = b.add_text_field("via", text(true));
    let outlet = b.add_text_field("outlet", keyword.clone());
    let language = b.add_text_field("language", keyword.clone());
    let story = b.add_text_field("story", keyword.set_fast(KEYWORD_TOKENIZER));
    let entity = b.add_u64_field("entity", INDEXED);
    let published = b.add_date_field(
        "published",
        DateOptions::from(INDEXED | FAST).set_precision(DateTimePrecision::Seconds),
    );
    let published_text = b.add_text_field("published_text", STORED);
    let fields = Fields {
        kind,
        document,
        version,
        sig,
        title,
        article_title,
        body,
        speaker,
        via,
        outlet,
        language,
        story,
        entity,
        published,
        published_text,
    };
    (b.build(), fields)
}

/// Registers our tokenizers on an index handle (they are not saved with the index).
pub(crate) fn register_tokenizers(index: &Index) {
    let text = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    let keyword = TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build();
    index.tokenizers().register(TEXT_TOKENIZER, text);
    index.tokenizers().register(KEYWORD_TOKENIZER, keyword);
    // Fast-field values of keyword fields go through the same normaliser.
    let keyword = TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build();
    index.fast_field_tokenizer().register(KEYWORD_TOKENIZER, keyword);
}

/// The commit payload that stamps an index with this schema.
pub(crate) fn payload() -> String {
    format!("{PAYLOAD_PREFIX}{SCHEMA_VERSION}")
}
