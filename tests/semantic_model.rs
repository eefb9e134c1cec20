//! The installed sentence encoder against the real model's published behaviour.
//!
//! Reference cosines: computed once with sentence-transformers 5.x (PyTorch, CPU) loading the
//! same `all-MiniLM-L6-v2` files (`SentenceTransformer(dir).encode([a, b], normalize_embeddings=True)`,
//! dot product), on 2026-12-06, in a throwaway venv; the product never runs Python.
//!
//! Runs when the model is installed (`skillmatch models install`; folder from
//! `SKILLMATCH_MODEL_DIR` or the default cache). Skips otherwise, unless
//! `SKILLMATCH_REQUIRE_MODEL` is set (CI installs the model first), which makes its absence a failure.

use skillmatch::semantic::{Encoder, cosine, install};

fn encoder() -> Option<Encoder> {
    let dir = install::default_model_dir();
    match Encoder::load(&dir) {
        Ok(e) => Some(e),
        Err(err) => {
            assert!(
                std::env::var_os("SKILLMATCH_REQUIRE_MODEL").is_none(),
                "SKILLMATCH_REQUIRE_MODEL is set but the model is not usable: {err}"
            );
            eprintln!("skipped: {err}");
            None
        }
    }
}

const REFERENCE: [(&str, &str, f32); 6] = [
    ("MS Excel", "spreadsheet software", 0.712771),
    ("Kafka is a plus", "Apache Kafka", 0.692302),
    ("Team player", "work in teams", 0.593687),
    ("Software Engineer", "software developer", 0.872923),
    ("forklift driver", "Python programming", 0.101355),
    ("Café crème", "coffee", 0.529198),
];

#[test]
fn cosines_match_sentence_transformers() {
    let Some(enc) = encoder() else { return };
    for (a, b, want) in REFERENCE {
        let got = cosine(&enc.embed(a), &enc.embed(b));
        assert!((got - want).abs() < 1e-4, "{a:?} vs {b:?}: {got}, sentence-transformers {want}");
    }
    // first components of one vector, same source
    let v = enc.embed("MS Excel");
    for (got, want) in v.iter().zip([-0.004139f32, 0.010945, -0.114815, -0.001002, -0.053239]) {
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
    }
    // the tokenizer agrees with the Hugging Face tokenizer on accents, punctuation and pieces
    let ids = enc.tokenizer().encode("Café crème, C++/Node.js — Kafka!", 64);
    let pieces: Vec<&str> = ids.iter().map(|&i| enc.tokenizer().token(i)).collect();
    assert_eq!(
        pieces,
        ["cafe", "cr", "##eme", ",", "c", "+", "+", "/", "node", ".", "j", "##s", "—", "ka", "##fk", "##a", "!"]
    );
}

#[test]
fn the_encoder_is_deterministic_and_the_static_table_keeps_meaning_apart() {
    let Some(enc) = encoder() else { return };
    assert_eq!(enc.embed("data analysis"), enc.embed("data analysis"));
    // rows of the distilled static table: one token through the encoder alone
    let tok = |t: &str| {
        let ids = enc.tokenizer().encode(t, 1);
        assert_eq!(ids.len(), 1, "{t} is one token");
        enc.embed_token(ids[0])
    };
    let close = cosine(&tok("spreadsheet"), &tok("excel"));
    let far = cosine(&tok("spreadsheet"), &tok("forklift"));
    assert!(close > far, "static rows: spreadsheet~excel {close} <= spreadsheet~forklift {far}");
}

/// A custom taxonomy of a few skills, written to `dir`.
fn small_taxonomy(dir: &std::path::Path) -> skillmatch::taxonomy::Taxonomy {
    let csv = dir.join("skills.csv");
    std::fs::write(
        &csv,
        "id,label,alt_labels,parent\n\
         kafka,Apache Kafka,,\n\
         excel,Microsoft Excel,,\n\
         forklift,operate forklift,,\n\
         teams,work in teams,,\n\
         python,Python,,\n",
    )
    .expect("write taxonomy");
    let custom = [csv];
    let spec = skillmatch::taxonomy::LoadSpec {
        esco_dir: None,
        custom: &custom,
        aliases: &[],
        onet_technologies: None,
        fuzzy_threshold: None,
    };
    skillmatch::taxonomy::Taxonomy::load(&spec).expect("custom taxonomy").taxonomy
}

#[test]
fn ranked_puts_kept_mentions_first_then_candidates_by_meaning_below_the_bar() {
    use skillmatch::semantic::skills::{SemanticSkills, TextMode};
    let Some(enc) = encoder() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let t = small_taxonomy(dir.path());
    let mut sem = SemanticSkills::build(&t, enc, TextMode::Encoder, false).expect("index");
    sem.threshold = 0.6;
    let text = "Python and streaming with Kafka is a plus.";
    let cosines = sem.nearest(text, 5);
    let ex = skillmatch::extract::Extractor::new(&t).with_semantic(std::sync::Arc::new(sem));
    let label = |id: u32| t.skill(id).label.as_str();

    // Python is spelled out: a kept mention, ranked first. Every other skill follows as a
    // candidate (not kept), in cosine order; nothing is repeated.
    let ranked = ex.ranked(text, 5);
    assert_eq!(ranked.len(), 5);
    assert_eq!((label(ranked[0].skill), ranked[0].kept), ("Python", true));
    let mentions: Vec<u32> = ex.extract(text).iter().map(|m| m.skill).collect();
    for r in &ranked {
        assert_eq!(r.kept, mentions.contains(&r.skill), "{}", label(r.skill));
    }
    let rest: Vec<u32> = ranked.iter().filter(|r| !r.kept).map(|r| r.skill).collect();
    let by_cosine: Vec<u32> = cosines.iter().map(|c| c.0).filter(|s| !mentions.contains(s)).collect();
    assert_eq!(rest, by_cosine);
    for r in ranked.iter().filter(|r| !r.kept) {
        let cos = cosines.iter().find(|c| c.0 == r.skill).expect("a nearest skill").1;
        assert_eq!(r.score, cos.clamp(0.0, 1.0), "a candidate's score is its cosine");
    }
    // A shorter ranking is its prefix; without a semantic matcher only mentions are ranked.
    assert_eq!(ex.ranked(text, 2), ranked[..2].to_vec());
    let plain = skillmatch::extract::Extractor::new(&t).ranked(text, 5);
    assert_eq!(plain.iter().map(|r| label(r.skill)).collect::<Vec<_>>(), ["Python"]);
}

#[test]
fn names_by_meaning_are_remembered_across_runs_and_give_the_same_bits_as_computing_them() {
    use skillmatch::semantic::skills::{SemanticSkills, TextMode};
    let Some(enc) = encoder() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let t = small_taxonomy(dir.path());
    let sem = SemanticSkills::build(&t, enc, TextMode::Encoder, false).expect("index");
    // A name no earlier run can have sent (the cache beside the model outlives tests).
    let fresh = format!("spreadsheet wizardry {}", std::process::id());
    let names = ["MS Excel", "", fresh.as_str(), "MS Excel", "   "];
    let first = sem.nearest_names(&names);
    assert_eq!(first.saved, Ok(()));
    assert_eq!(first.distinct, 2, "blank names are not looked up; repeats once");
    assert!(first.hits < 2, "the fresh name was computed");
    for (name, got) in names.iter().zip(&first.nearest) {
        let want = (!name.trim().is_empty()).then(|| sem.nearest(name, 1)[0]);
        assert_eq!(got.map(|(s, c)| (s, c.to_bits())), want.map(|(s, c)| (s, c.to_bits())), "{name:?}");
    }
    assert_eq!(t.skill(first.nearest[0].expect("mapped").0).label, "Microsoft Excel");
    // The next run finds both in the cache, with the same bits.
    let second = sem.nearest_names(&names);
    assert_eq!((second.distinct, second.hits), (2, 2));
    assert_eq!(
        second.nearest.iter().map(|n| n.map(|(s, c)| (s, c.to_bits()))).collect::<Vec<_>>(),
        first.nearest.iter().map(|n| n.map(|(s, c)| (s, c.to_bits()))).collect::<Vec<_>>()
    );
}
