//! `load.html`: a load run as one self-contained file (inline CSS, the conformance report's; no
//! script, font or network fetch). The layout is in templates/load.html; the rows come formatted
//! from the view, so the template needs no logic beyond loops and ifs.

use serde::Serialize;

use super::view::{self, LoadView};
use crate::model::LoadReport;
use crate::report::html::{environment, CSS};

const TEMPLATE: &str = include_str!("../templates/load.html");

#[derive(Serialize)]
struct Page {
    css: &'static str,
    #[serde(flatten)]
    load: LoadView,
}

pub fn render(report: &LoadReport) -> String {
    let env = environment("load.html", TEMPLATE);
    let template = env.get_template("load.html").expect("the load template is registered");
    template
        .render(Page { css: CSS, load: view::view(report) })
        .expect("the load template renders every report (tested)")
}
