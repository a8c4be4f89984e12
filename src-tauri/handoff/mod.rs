//! Handing a flow's link to its person: a QR code (drawn in Rust) and an email draft built
//! from the editable template in settings.

pub mod commands;
mod email;
mod qr;

pub use email::{mailto, EmailDraft};
pub use qr::qr_svg;
