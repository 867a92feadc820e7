//! The map of each instrument's articles to what carries them out (issue 17),
//! for the administrator's page, and the entry a trace line cites.

use std::sync::OnceLock;

use gongshang_rules::article_map::{ArticleMap, Entry, Instrument};

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// The shipped map, read once (it is compiled in and checked by the tests;
/// a fault here is the build's, reported as internal).
fn shipped() -> Result<&'static ArticleMap, AppError> {
    static MAP: OnceLock<Result<ArticleMap, gongshang_rules::article_map::ArticleMapError>> =
        OnceLock::new();
    MAP.get_or_init(ArticleMap::embedded).as_ref().map_err(|e| {
        AppError::Rules(gongshang_rules::RulesError::PolicyInvalid {
            file: e.file.clone(),
            location: "article map".into(),
            reason: e.message.clone(),
        })
    })
}

impl App {
    /// Every mapped instrument with its entries.
    pub fn article_map(&self, actor: &Actor) -> Result<&'static ArticleMap, AppError> {
        actor.authorize(Action::ReadArticleMap)?;
        shipped()
    }

    /// The entry a citation of the engine points at (`《工伤保险条例》第三十五条`),
    /// for a link from an award's trace line; `None` when none is mapped.
    /// Needs no permission: it names law, not records.
    pub fn article_entry(citation: &str) -> Option<(&'static Instrument, &'static Entry)> {
        shipped().ok()?.entry_for_citation(citation)
    }
}
