//! Shows why the shipped stance model labels a (claim, text) pair as it does.
//!
//! ```text
//! cargo run --release -p wirewatch-analyze --example stance_explain -- "CLAIM" "TEXT"
//! ```

use analyze::stance::features::explain;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (claim, text) =
        (args.first().cloned().unwrap_or_default(), args.get(1).cloned().unwrap_or_default());
    let Some(model) = analyze::stance::shipped() else {
        eprintln!("the embedded stance model does not parse");
        std::process::exit(1);
    };
    let x = explain(&claim, &text, model.bits, model.lexical);
    let r = model.predict(&x);
    println!("{:?} {:.3} scores {:?}", r.label, r.confidence, r.scores);
    println!("evidence: {:?}", r.evidence);
    println!("{:<28} {:>8} {:>8} {:>8}", "feature*value", "support", "deny", "neutral");
    let k = model.stance.classes;
    for ((i, v), name) in x.stance.iter().zip(&x.stance_names) {
        let base = *i as usize * k;
        let w = &model.stance.w[base..base + k];
        println!("{:<28} {:>8.3} {:>8.3} {:>8.3}", name, w[0] * v, w[1] * v, w[2] * v);
    }
}
