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
