//! Validation of the `POST /v2/flows` body: exactly what the spec states, plus the one
//! inferred rule that a `redirect` step needs a `redirect_url`.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::model::{parse_uuid, NewFlow, StepName, StepSpec};

/// A 400 reason. `code()` is the `error` field of the response, `to_string()` the `message`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    #[error("request body is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("request body must be a JSON object")]
    NotAnObject,
    #[error("`steps` is required")]
    MissingSteps,
    #[error("`steps` must be an array of step names or step objects")]
    StepsNotArray,
    #[error("steps[{index}]: must be a step name string or an object with a `name`")]
    StepWrongType { index: usize },
    #[error("steps[{index}]: step object is missing the required `name`")]
    StepMissingName { index: usize },
    #[error("steps[{index}]: unknown step {name}; expected one of: {expected}", expected = StepName::list())]
    UnknownStep { index: usize, name: String },
    #[error("steps[{index}] ({step}): `{option}` must be {expected}")]
    StepOptionType {
        index: usize,
        step: StepName,
        option: &'static str,
        expected: &'static str,
    },
    #[error("steps[{index}] ({step}): `redirect_url` {url:?} is not an http(s) URL matching the spec's pattern")]
    InvalidRedirectUrl {
        index: usize,
        step: StepName,
        url: String,
    },
    #[error("steps[{index}] ({step}): `redirect_url` {url:?} is not a valid URI (the spec's `format: uri`, RFC 3986: no spaces, non-ASCII characters or stray `%`)")]
    RedirectUrlNotUri {
        index: usize,
        step: StepName,
        url: String,
    },
    #[error("steps[{index}]: step `{step}` appears more than once (first at steps[{first}]); step names must be unique")]
    DuplicateStep {
        index: usize,
        first: usize,
        step: StepName,
    },
    #[error("steps[{index}]: the `redirect` step needs a `redirect_url`")]
    MissingRedirectUrl { index: usize },
    #[error("`user_id` must be a UUID string (8-4-4-4-12 hex digits)")]
    InvalidUserId,
    #[error("`{0}` must be a boolean")]
    NotBoolean(&'static str),
    #[error("`metadata` must be a string or an object")]
    InvalidMetadata,
}

impl ValidationError {
    pub fn code(&self) -> &'static str {
        match self {
            ValidationError::InvalidJson(_) => "invalid_json",
            ValidationError::NotAnObject => "invalid_body",
            ValidationError::MissingSteps => "missing_steps",
            ValidationError::StepsNotArray => "invalid_steps",
            ValidationError::StepWrongType { .. } => "invalid_step",
            ValidationError::StepMissingName { .. } => "missing_step_name",
            ValidationError::UnknownStep { .. } => "unknown_step",
            ValidationError::StepOptionType { .. } => "invalid_step_option",
            ValidationError::InvalidRedirectUrl { .. } | ValidationError::RedirectUrlNotUri { .. } => {
                "invalid_redirect_url"
            }
            ValidationError::DuplicateStep { .. } => "duplicate_step",
            ValidationError::MissingRedirectUrl { .. } => "missing_redirect_url",
            ValidationError::InvalidUserId => "invalid_user_id",
            ValidationError::NotBoolean(_) => "invalid_boolean",
            ValidationError::InvalidMetadata => "invalid_metadata",
        }
    }
}

/// The spec's `redirect_url` pattern. JSON Schema patterns are ECMA-262 and unanchored, so this
/// is a search, and `\b` is made ASCII-only as in ECMA-262.
fn redirect_url_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"https?://(www\.)?[-a-zA-Z0-9@:%._\+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}(?-u:\b)([-a-zA-Z0-9()@:%_\+.~#?&//=]*)",
        )
        .expect("static redirect_url pattern compiles")
    })
}

pub fn redirect_url_matches(url: &str) -> bool {
    redirect_url_pattern().is_match(url)
}

/// The spec's `format: uri`: an absolute URI as RFC 3986 defines it (scheme, then only the
/// characters a URI may carry, `%` only before two hex digits).
pub fn is_uri(s: &str) -> bool {
    fluent_uri::Uri::parse(s).is_ok()
}

/// Parses raw body bytes, then validates.
pub fn parse_create_body(bytes: &[u8]) -> Result<NewFlow, ValidationError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| ValidationError::InvalidJson(e.to_string()))?;
    validate_create(&value)
}

/// Validates a parsed body. Unknown extra fields are ignored: the spec has no
/// `additionalProperties: false`. `null` is not accepted for any typed field (the spec's request
/// types do not include null): omit the field instead.
pub fn validate_create(value: &Value) -> Result<NewFlow, ValidationError> {
    let obj = value.as_object().ok_or(ValidationError::NotAnObject)?;
    let raw_steps = obj.get("steps").ok_or(ValidationError::MissingSteps)?;
    let items = raw_steps.as_array().ok_or(ValidationError::StepsNotArray)?;

    let mut steps: Vec<StepSpec> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let step = parse_step(index, item)?;
        if let Some(first) = steps.iter().position(|s| s.name == step.name) {
            return Err(ValidationError::DuplicateStep {
                index,
                first,
                step: step.name,
            });
        }
        steps.push(step);
    }

    let user_id = match obj.get("user_id") {
        None => None,
        Some(Value::String(s)) => Some(parse_uuid(s).ok_or(ValidationError::InvalidUserId)?),
        Some(_) => return Err(ValidationError::InvalidUserId),
    };
    let require_auth = optional_bool(obj, "require_auth")?;
    let hide_go_to_dashboard_on_complete = optional_bool(obj, "hide_go_to_dashboard_on_complete")?;
    let metadata = match obj.get("metadata") {
        None => Value::Null,
        Some(v @ (Value::String(_) | Value::Object(_))) => v.clone(),
        Some(_) => return Err(ValidationError::InvalidMetadata),
    };

    Ok(NewFlow {
        steps,
        user_id,
        // The spec's defaults.
        require_auth: require_auth.unwrap_or(false),
        hide_go_to_dashboard_on_complete: hide_go_to_dashboard_on_complete.unwrap_or(false),
        metadata,
    })
}

fn optional_bool(
    obj: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<bool>, ValidationError> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ValidationError::NotBoolean(field)),
    }
}

fn parse_name(index: usize, v: &Value) -> Result<StepName, ValidationError> {
    match v {
        Value::String(s) => StepName::parse(s).ok_or_else(|| ValidationError::UnknownStep {
            index,
            name: format!("{s:?}"),
        }),
        other => Err(ValidationError::UnknownStep {
            index,
            name: other.to_string(),
        }),
    }
}

fn parse_step(index: usize, item: &Value) -> Result<StepSpec, ValidationError> {
    let step = match item {
        Value::String(_) => StepSpec::plain(parse_name(index, item)?),
        Value::Object(o) => {
            let name = parse_name(
                index,
                o.get("name")
                    .ok_or(ValidationError::StepMissingName { index })?,
            )?;
            let bool_opt = |option: &'static str| match o.get(option) {
                None => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(ValidationError::StepOptionType {
                    index,
                    step: name,
                    option,
                    expected: "a boolean",
                }),
            };
            let string_opt = |option: &'static str| match o.get(option) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ValidationError::StepOptionType {
                    index,
                    step: name,
                    option,
                    expected: "a string",
                }),
            };
            let redirect_url = string_opt("redirect_url")?;
            // The pattern applies to redirect_url on any step, as the schema puts it on the item.
            if let Some(url) = &redirect_url {
                if !redirect_url_matches(url) {
                    return Err(ValidationError::InvalidRedirectUrl {
                        index,
                        step: name,
                        url: url.clone(),
                    });
                }
                if !is_uri(url) {
                    return Err(ValidationError::RedirectUrlNotUri {
                        index,
                        step: name,
                        url: url.clone(),
                    });
                }
            }
            StepSpec {
                name,
                hide_continue_button: bool_opt("hide_continue_button")?,
                auto_payout_enabled: bool_opt("auto_payout_enabled")?,
                redirect_url,
                template_id: string_opt("template_id")?,
            }
        }
        _ => return Err(ValidationError::StepWrongType { index }),
    };
    // The one inferred rule: a redirect step is useless without somewhere to go.
    if step.name == StepName::Redirect && step.redirect_url.is_none() {
        return Err(ValidationError::MissingRedirectUrl { index });
    }
    Ok(step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> ValidationError {
        validate_create(&v).expect_err("should be rejected")
    }

    #[test]
    fn accepts_names_objects_and_options() {
        let f = validate_create(&json!({
            "steps": ["compliance", {"name": "payout", "auto_payout_enabled": false, "hide_continue_button": true},
                      {"name": "pdf-form-fill", "template_id": "tpl_1"},
                      {"name": "redirect", "redirect_url": "https://example.com/done?x=1"}],
            "user_id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "require_auth": true,
            "hide_go_to_dashboard_on_complete": true,
            "metadata": {"ticket": 42},
            "something_extra": [1, 2]
        }))
        .unwrap();
        assert_eq!(f.steps.len(), 4);
        assert_eq!(f.steps[1].auto_payout_enabled, Some(false));
        assert_eq!(f.steps[1].hide_continue_button, Some(true));
        assert_eq!(f.steps[2].template_id.as_deref(), Some("tpl_1"));
        assert_eq!(
            f.steps[3].redirect_url.as_deref(),
            Some("https://example.com/done?x=1")
        );
        assert!(f.require_auth && f.hide_go_to_dashboard_on_complete);
        assert_eq!(f.metadata, json!({"ticket": 42}));
    }

    #[test]
    fn defaults_and_empty_steps() {
        let f = validate_create(&json!({"steps": []})).unwrap();
        assert!(
            f.steps.is_empty()
                && f.user_id.is_none()
                && !f.require_auth
                && !f.hide_go_to_dashboard_on_complete
        );
        assert_eq!(f.metadata, Value::Null);
        let f =
            validate_create(&json!({"steps": ["compliance"], "metadata": "plain string"})).unwrap();
        assert_eq!(f.metadata, json!("plain string"));
    }

    #[test]
    fn body_and_steps_shape() {
        assert_eq!(
            parse_create_body(b"{not json").unwrap_err().code(),
            "invalid_json"
        );
        assert_eq!(err(json!([])), ValidationError::NotAnObject);
        assert_eq!(err(json!({})), ValidationError::MissingSteps);
        assert_eq!(
            err(json!({"steps": "compliance"})),
            ValidationError::StepsNotArray
        );
        assert_eq!(err(json!({"steps": null})), ValidationError::StepsNotArray);
        assert_eq!(
            err(json!({"steps": [1]})),
            ValidationError::StepWrongType { index: 0 }
        );
        assert_eq!(
            err(json!({"steps": ["compliance", {}]})),
            ValidationError::StepMissingName { index: 1 }
        );
    }

    #[test]
    fn unknown_step_names() {
        let e = err(json!({"steps": ["kyc"]}));
        assert_eq!(e.code(), "unknown_step");
        assert!(e.to_string().contains("\"kyc\"") && e.to_string().contains("compliance"));
        assert_eq!(
            err(json!({"steps": [{"name": "Compliance"}]})).code(),
            "unknown_step"
        );
        assert_eq!(err(json!({"steps": [{"name": 3}]})).code(), "unknown_step");
    }

    #[test]
    fn option_types() {
        for (opt, val) in [
            ("hide_continue_button", json!("yes")),
            ("auto_payout_enabled", json!(1)),
            ("redirect_url", json!(5)),
            ("template_id", json!(true)),
        ] {
            let mut step = json!({"name": "payout"});
            step[opt] = val;
            let e = err(json!({"steps": [step]}));
            assert_eq!(e.code(), "invalid_step_option", "{opt}");
            assert!(e.to_string().contains(opt), "{e}");
        }
    }

    #[test]
    fn uniqueness_is_by_name() {
        let e = err(json!({"steps": ["compliance", "payout", {"name": "compliance"}]}));
        assert_eq!(
            e,
            ValidationError::DuplicateStep {
                index: 2,
                first: 0,
                step: StepName::Compliance
            }
        );
        assert!(e.to_string().contains("compliance"));
    }

    #[test]
    fn redirect_rules() {
        assert_eq!(
            err(json!({"steps": ["redirect"]})),
            ValidationError::MissingRedirectUrl { index: 0 }
        );
        assert_eq!(
            err(json!({"steps": [{"name": "redirect"}]})).code(),
            "missing_redirect_url"
        );
        assert_eq!(
            err(json!({"steps": [{"name": "redirect", "redirect_url": "ftp://x.com"}]})).code(),
            "invalid_redirect_url"
        );
        // The pattern also applies on other steps.
        assert_eq!(
            err(json!({"steps": [{"name": "payout", "redirect_url": "nope"}]})).code(),
            "invalid_redirect_url"
        );
        // Steps after a redirect are allowed.
        assert!(validate_create(
            &json!({"steps": [{"name": "redirect", "redirect_url": "http://a.io"}, "payout"]})
        )
        .is_ok());
    }

    #[test]
    fn redirect_url_must_also_be_a_uri() {
        // The pattern matches all of these; `format: uri` does not.
        for url in [
            "https://www.10%8Ry-.yFQg/K0C",
            "https://example.com/a b",
            "https://example.com/caf\u{e9}",
            "see https://example.com please",
        ] {
            assert!(redirect_url_matches(url), "{url}");
            let e = err(json!({"steps": [{"name": "redirect", "redirect_url": url}]}));
            assert_eq!(e.code(), "invalid_redirect_url", "{url}");
            assert!(
                e.to_string().contains("redirect_url") && e.to_string().contains("format: uri"),
                "{e}"
            );
        }
        assert!(validate_create(&json!({"steps": [
            {"name": "redirect", "redirect_url": "https://example.com/a%20b?q=%C3%A9#top"}
        ]}))
        .is_ok());
    }

    #[test]
    fn redirect_pattern_is_unanchored_like_json_schema() {
        assert!(redirect_url_matches("https://example.com"));
        assert!(redirect_url_matches(
            "http://www.example.co.uk/path?q=1#frag"
        ));
        assert!(redirect_url_matches("https://localhost.test:8080/cb"));
        assert!(redirect_url_matches("see https://example.com please"));
        assert!(!redirect_url_matches("https://localhost/cb"));
        assert!(!redirect_url_matches("example.com"));
        assert!(!redirect_url_matches("mailto:a@b.com"));
        assert!(!redirect_url_matches(""));
    }

    #[test]
    fn top_level_types() {
        assert_eq!(
            err(json!({"steps": [], "user_id": "abc"})),
            ValidationError::InvalidUserId
        );
        assert_eq!(
            err(json!({"steps": [], "user_id": 7})),
            ValidationError::InvalidUserId
        );
        assert_eq!(
            err(json!({"steps": [], "user_id": null})),
            ValidationError::InvalidUserId
        );
        assert_eq!(
            err(json!({"steps": [], "require_auth": "true"})),
            ValidationError::NotBoolean("require_auth")
        );
        assert_eq!(
            err(json!({"steps": [], "hide_go_to_dashboard_on_complete": 0})),
            ValidationError::NotBoolean("hide_go_to_dashboard_on_complete")
        );
        assert_eq!(
            err(json!({"steps": [], "metadata": 5})),
            ValidationError::InvalidMetadata
        );
        assert_eq!(
            err(json!({"steps": [], "metadata": ["a"]})),
            ValidationError::InvalidMetadata
        );
        assert_eq!(
            err(json!({"steps": [], "metadata": null})),
            ValidationError::InvalidMetadata
        );
    }

    #[test]
    fn require_auth_without_user_is_accepted() {
        assert!(validate_create(&json!({"steps": ["compliance"], "require_auth": true})).is_ok());
    }
}
