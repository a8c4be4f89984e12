use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code for a link (the UI shows it as an image). Only http(s) links, and not
/// absurdly long ones: a QR code is for a person's phone camera.
pub fn qr_svg(link: &str) -> Result<String, String> {
    const MAX: usize = 1024;
    let url = url::Url::parse(link.trim()).map_err(|_| "Only a link (https://…) can be shown as a QR code.".to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("Only an http(s) link can be shown as a QR code.".into());
    }
    if link.len() > MAX {
        return Err(format!("The link is longer than {MAX} characters: too long for a QR code."));
    }
    let code = QrCode::with_error_correction_level(url.as_str().as_bytes(), EcLevel::M).map_err(|e| e.to_string())?;
    Ok(code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_links_and_refuses_the_rest() {
        let svg = qr_svg("https://pls.senddotssandbox.com/flow/3d6a2c8e").unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("<path"), "{}", &svg[..80]);
        assert!(qr_svg("javascript:alert(1)").is_err());
        assert!(qr_svg("not a link").is_err());
        assert!(qr_svg(&format!("https://a.example.com/{}", "x".repeat(2000))).is_err());
    }
}
