//! Fuzz target `quotes`: arbitrary bytes (lossily decoded) through quote and entity analysis; it
//! must not panic, and every quote, speaker and entity-mention span must satisfy
//! `start <= end <= chars().count()` (offsets are code-point offsets).

#![no_main]

use analyze::quotes::analyze_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let n = s.chars().count();
    let a = analyze_text(&s);
    for q in &a.quotes {
        assert!(
            q.start <= q.end && q.end <= n,
            "quote span {}..{} (text has {n} chars)",
            q.start,
            q.end
        );
        match (q.speaker_start, q.speaker_end) {
            (Some(st), Some(en)) => {
                assert!(st <= en && en <= n, "speaker span {st}..{en} (text has {n} chars)")
            }
            (None, None) => {}
            other => panic!("speaker span half set: {other:?}"),
        }
    }
    for e in &a.entities {
        for m in &e.mentions {
            assert!(
                m.start <= m.end && m.end <= n,
                "mention {:?} of {} span {}..{} (text has {n} chars)",
                m.text,
                e.id,
                m.start,
                m.end
            );
        }
    }
});
