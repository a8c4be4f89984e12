//! The app's confirmer: a native dialog raised from Rust (tauri-plugin-dialog). The webview
//! can neither answer it nor skip it; the core only acts on its "yes".

use flowdesk_core::{Ask, BoxFuture, Confirmer};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

pub struct DialogConfirmer<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Confirmer for DialogConfirmer<R> {
    fn confirm<'a>(&'a self, ask: &'a Ask) -> BoxFuture<'a, bool> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let host = ask.host.as_deref().map(|h| format!("\n\n{} — {h}", ask.environment_name)).unwrap_or_default();
        self.0
            .dialog()
            .message(format!("{}{host}", ask.detail))
            .title(&ask.title)
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom("Confirm".into(), "Cancel".into()))
            .show(move |yes| {
                let _ = tx.send(yes);
            });
        // A dialog that could not be shown is a "no".
        Box::pin(async move { rx.await.unwrap_or(false) })
    }
}
