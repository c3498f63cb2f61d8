//! Property tests: extraction never panics, whatever the bytes.

use drawbridge_engine::indicators::Extractor;
use drawbridge_engine::indicators::IndicatorsConfig;
use drawbridge_engine::intake::mime;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn extraction_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let extractor = Extractor::new(&IndicatorsConfig::default()).expect("config");
        let text = String::from_utf8_lossy(&bytes);
        let _ = extractor.extract(&text);
    }

    #[test]
    fn extraction_never_panics_on_indicator_like_text(text in "[a-zA-Z0-9.:/@\\[\\]()\\\\ _%=?&#-]{0,400}") {
        let extractor = Extractor::new(&IndicatorsConfig::default()).expect("config");
        for ind in extractor.extract(&text) {
            prop_assert!(!ind.value.is_empty());
        }
    }

    #[test]
    fn parsing_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(message) = mime::parse(&bytes) {
            let extractor = Extractor::new(&IndicatorsConfig::default()).expect("config");
            let _ = extractor.extract_message(&message);
        }
    }
}
