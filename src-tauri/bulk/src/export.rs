//! Exports: the results of a batch, and a mail-merge file with one message per created link.
//! Every cell is guarded against CSV injection: a spreadsheet runs a cell that starts with
//! `=`, `+`, `-` or `@` (or a tab / carriage return) as a formula, so such a cell gets a
//! leading `'`, which spreadsheets show as plain text.

use flowdesk_dots::TemplateValues;
use serde::{Deserialize, Serialize};

use crate::error::{BulkError, Result};
use crate::journal::{Journal, RowState};

/// The message to merge. Placeholders: `{link}`, `{steps}` (the step titles, comma
/// separated), `{reference}`, `{name}` (the email when the row has no name), `{email}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailTemplate {
    pub subject: String,
    pub body: String,
}

impl Default for MailTemplate {
    fn default() -> Self {
        MailTemplate {
            subject: "Your onboarding link".into(),
            body: "Hello {name},\n\nPlease complete these steps: {steps}.\n\n{link}\n\nReference: {reference}\n".into(),
        }
    }
}

/// `row,email,reference,flow_id,link,status` plus `detail` (the failure or invalid reason),
/// one line per imported row, valid or not, in file order.
pub fn results_csv(journal: &Journal) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "row",
        "email",
        "reference",
        "flow_id",
        "link",
        "status",
        "detail",
    ])
    .map_err(export_err)?;
    for (r, state) in journal.snapshot() {
        let (flow_id, link, detail) = match &state {
            RowState::Created { flow_id, link } => (flow_id.as_str(), link.as_str(), ""),
            RowState::Failed { message } => ("", "", message.as_str()),
            RowState::Invalid { reason } | RowState::Unknown { reason } => {
                ("", "", reason.as_str())
            }
            RowState::Pending | RowState::Sending => ("", "", ""),
        };
        let row = r.row.to_string();
        let fields = [
            row.as_str(),
            &r.email,
            r.reference.as_deref().unwrap_or(""),
            flow_id,
            link,
            state.label(),
            detail,
        ];
        w.write_record(fields.map(guard)).map_err(export_err)?;
    }
    w.into_inner().map_err(|e| BulkError::Export(e.to_string()))
}

/// `to,subject,body`, one line per created row.
pub fn mail_merge_csv(journal: &Journal, mail: &MailTemplate) -> Result<Vec<u8>> {
    let steps = journal.template().step_titles();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["to", "subject", "body"])
        .map_err(export_err)?;
    for (r, state) in journal.snapshot() {
        let RowState::Created { link, .. } = &state else {
            continue;
        };
        let values = TemplateValues {
            link,
            steps: &steps,
            reference: r.reference.as_deref().unwrap_or(""),
            name: Some(r.name.as_deref().unwrap_or(&r.email)),
            email: Some(&r.email),
        };
        let (subject, body) = values.fill_pair(&mail.subject, &mail.body);
        w.write_record([guard(&r.email), guard(&subject), guard(&body)])
            .map_err(export_err)?;
    }
    w.into_inner().map_err(|e| BulkError::Export(e.to_string()))
}

/// Every text cell through the project's one CSV guard.
pub fn guard(cell: &str) -> String {
    flowdesk_files::csv_text_cell(cell).into_owned()
}

fn export_err(e: csv::Error) -> BulkError {
    BulkError::Export(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_csv;
    use crate::template::BatchTemplate;
    use flowdesk_dots::{Step, StepName};

    #[test]
    fn formulas_are_defused() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for c in ["+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(guard(c).starts_with('\''), "{c}");
        }
        assert_eq!(guard("ann@example.com"), "ann@example.com");
        assert_eq!(guard(""), "");
    }

    #[test]
    fn results_and_mail_merge() {
        let dir = tempfile::tempdir().unwrap();
        let import =
            parse_csv(b"email,name,reference\nann@example.com,Ann,=cmd|' /C calc'!A0\nbad,,\nbob@example.com,,R2\n").unwrap();
        let t = BatchTemplate::new(vec![
            Step::new(StepName::Compliance),
            Step::new(StepName::ManagePayouts),
        ]);
        let j = Journal::create(&dir.path().join("j"), &t, &import, None).unwrap();
        j.record(
            1,
            RowState::Created {
                flow_id: "f1".into(),
                link: "http://x/flow/f1".into(),
            },
        )
        .unwrap();
        j.record(
            3,
            RowState::Failed {
                message: "Dots refused the request (400): nope".into(),
            },
        )
        .unwrap();

        let results = String::from_utf8(results_csv(&j).unwrap()).unwrap();
        let lines: Vec<&str> = results.lines().collect();
        assert_eq!(lines[0], "row,email,reference,flow_id,link,status,detail");
        assert_eq!(
            lines[1],
            "1,ann@example.com,'=cmd|' /C calc'!A0,f1,http://x/flow/f1,created,"
        );
        assert!(lines[2].starts_with("2,bad,,,,invalid,"), "{}", lines[2]);
        assert_eq!(
            lines[3],
            "3,bob@example.com,R2,,,failed,Dots refused the request (400): nope"
        );

        let mail = MailTemplate {
            subject: "Hi {name}".into(),
            body: "{steps}: {link} ({reference})".into(),
        };
        let merged = String::from_utf8(mail_merge_csv(&j, &mail).unwrap()).unwrap();
        let mut r = csv::Reader::from_reader(merged.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 1, "only created rows are mailed");
        assert_eq!(&rows[0][0], "ann@example.com");
        assert_eq!(&rows[0][1], "Hi Ann");
        assert_eq!(
            &rows[0][2],
            "Compliance, Manage payouts: http://x/flow/f1 (=cmd|' /C calc'!A0)"
        );
    }
}
