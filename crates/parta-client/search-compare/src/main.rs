//! FTS5 with stems (what the cache uses) against tantivy, on the same generated corpus and
//! queries: indexing time, size on disk, and query time for the newest 100 matches with their
//! text. Results are in docs/benchmarks.md (issue 4: "measure both and choose").
//!
//! `cargo run --release --manifest-path crates/parta-client/search-compare/Cargo.toml [N]`

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::path::Path;
use std::time::Instant;

use parta_client::search::Query;
use parta_client::store::{CachedMessage, SqliteStore, Store};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, RegexQuery};
use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexWriter, Order, TantivyDocument, doc};

#[path = "../../benches/corpus.rs"]
mod corpus;

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| {
            let m = e.metadata().unwrap();
            if m.is_dir() { dir_size(&e.path()) } else { m.len() }
        })
        .sum()
}

fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let p = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} queries)",
        p(0.5),
        p(0.95),
        ms[ms.len() - 1],
        ms.len()
    );
}

fn messages(n: usize) -> Vec<CachedMessage> {
    let mut rng = StdRng::seed_from_u64(7);
    (0..n)
        .map(|i| corpus::message(i, 2 + (i as i64 % 49), &mut rng))
        .collect()
}

async fn fts5(dir: &Path, all: &[CachedMessage]) {
    let path = dir.join("cache.sqlite");
    let store = SqliteStore::open_unencrypted(&path).await.unwrap();
    store.replace_chats("p", &corpus::chats(50)).await.unwrap();
    let started = Instant::now();
    for batch in all.chunks(10_000) {
        store.upsert_messages("p", batch).await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    store.close().await;
    let size: u64 = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.metadata().unwrap().len())
        .sum();
    println!(
        "FTS5 (stems): stored and indexed {} messages in {secs:.1} s; {:.1} MiB on disk (messages and index)",
        all.len(),
        size as f64 / 1048576.0
    );
    let store = SqliteStore::open_unencrypted(&path).await.unwrap();
    let mut times = Vec::new();
    let mut found = 0;
    for round in 0..5 {
        for q in corpus::QUERIES {
            let query = Query::parse(q).unwrap();
            let started = Instant::now();
            let hits = store.search("p", &query, None, 100).await.unwrap();
            times.push(started.elapsed().as_secs_f64() * 1e3);
            if round == 0 {
                found += hits.len();
            }
        }
    }
    println!("FTS5: {found} results in the first round");
    report("FTS5, newest 100 matches", times);
}

fn tantivy(dir: &Path, all: &[CachedMessage]) {
    let ru = "ru_stem";
    let mut schema = Schema::builder();
    let text_options = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ru)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored();
    let text = schema.add_text_field("text", text_options);
    let timestamp = schema.add_i64_field("timestamp", FAST | STORED);
    let chat = schema.add_i64_field("chat_id", INDEXED | FAST);
    let mid = schema.add_text_field("mid", tantivy::schema::STRING | STORED);
    let schema = schema.build();
    let index = Index::create_in_dir(dir, schema).unwrap();
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::Russian))
        .build();
    index.tokenizers().register(ru, analyzer);
    let started = Instant::now();
    let mut writer: IndexWriter = index.writer(100_000_000).unwrap();
    for m in all {
        writer
            .add_document(doc!(
                text => m.text.as_str(),
                timestamp => m.timestamp,
                chat => m.chat_id,
                mid => m.mid.as_str(),
            ))
            .unwrap();
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "tantivy: indexed {} messages in {secs:.1} s; {:.1} MiB on disk (index and stored text; the messages table would still be needed beside it)",
        all.len(),
        dir_size(dir) as f64 / 1048576.0
    );
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    let mut times = Vec::new();
    let mut found = 0;
    for round in 0..5 {
        for q in corpus::QUERIES {
            let query = Query::parse(q).unwrap();
            let started = Instant::now();
            // The same rule as the cache's: every word must match, as a prefix of its stem or
            // of the word as typed.
            let musts: Vec<(Occur, Box<dyn TantivyQuery>)> = query
                .terms()
                .iter()
                .map(|t| {
                    let either: Vec<(Occur, Box<dyn TantivyQuery>)> = [&t.stem, &t.typed]
                        .into_iter()
                        .map(|prefix| {
                            let q: Box<dyn TantivyQuery> = Box::new(
                                RegexQuery::from_pattern(&format!("{prefix}.*"), text).unwrap(),
                            );
                            (Occur::Should, q)
                        })
                        .collect();
                    let q: Box<dyn TantivyQuery> = Box::new(BooleanQuery::new(either));
                    (Occur::Must, q)
                })
                .collect();
            let boolean = BooleanQuery::new(musts);
            let top = searcher
                .search(
                    &boolean,
                    &TopDocs::with_limit(100).order_by_fast_field::<i64>("timestamp", Order::Desc),
                )
                .unwrap();
            let mut texts = 0;
            for (_, address) in &top {
                let d: TantivyDocument = searcher.doc(*address).unwrap();
                texts += d.get_first(text).and_then(|v| v.as_str()).map_or(0, str::len);
            }
            times.push(started.elapsed().as_secs_f64() * 1e3);
            assert!(texts > 0 || top.is_empty());
            if round == 0 {
                found += top.len();
            }
        }
    }
    println!("tantivy: {found} results in the first round");
    report("tantivy, newest 100 matches", times);
}

#[tokio::main]
async fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let all = messages(n);
    let sqlite_dir = tempfile::tempdir().unwrap();
    fts5(sqlite_dir.path(), &all).await;
    let tantivy_dir = tempfile::tempdir().unwrap();
    tantivy(tantivy_dir.path(), &all);
}
