//! Files: choosing, sending, opening and previewing attachments, and links leaving the app.

use super::*;

/// The system's file chooser: the files a person picked to attach (none if they cancelled).
///
/// WebDriver cannot drive the system's file chooser, so in debug builds (the end-to-end tests')
/// `PARTA_E2E_PICK_FILES` answers for it; see [`test_choice`].
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_files(app: tauri::AppHandle) -> Reply<ReplyOf<cmd::PickFiles>> {
    describe(choose(&app, None).await).await
}

/// Name and size of files dropped on the window (folders and unreadable paths are left out).
#[tauri::command(rename_all = "snake_case")]
pub async fn describe_files(args: cmd::DescribeFiles) -> Reply<ReplyOf<cmd::DescribeFiles>> {
    let cmd::DescribeFiles { paths } = args;
    describe(paths.into_iter().map(std::path::PathBuf::from).collect()).await
}

/// Writes a message with files (through the outbox: checked, copied, uploaded, sent once).
#[tauri::command(rename_all = "snake_case")]
pub async fn send_files(
    shell: State<'_, Shell>,
    args: cmd::SendFiles,
) -> Reply<ReplyOf<cmd::SendFiles>> {
    let cmd::SendFiles {
        chat_id,
        text,
        paths,
    } = args;
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    shell
        .with_session(|s| async move { s.send(chat_id, &text, &paths).await })
        .await
}

/// Personal data in files about to be sent, and whole books and videos where the school warns
/// about them (warnings; work offline).
#[tauri::command(rename_all = "snake_case")]
pub async fn check_files(
    shell: State<'_, Shell>,
    args: cmd::CheckFiles,
) -> Reply<ReplyOf<cmd::CheckFiles>> {
    let cmd::CheckFiles { chat_id, paths } = args;
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    let mut notes = parta_client::session::check_files(&paths).await;
    let material = shell
        .with_session(|s| {
            let paths = paths.clone();
            async move { Ok(s.check_material(chat_id, &paths).await) }
        })
        .await
        .unwrap_or_default();
    notes.extend(material);
    Ok(notes)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn files(shell: State<'_, Shell>, args: cmd::Files) -> Reply<ReplyOf<cmd::Files>> {
    let cmd::Files { chat_id } = args;
    shell
        .with_session(|s| async move { s.files(chat_id).await })
        .await
}

/// Opens an attached file with the system's application: downloaded into the offline file
/// cache first (resuming an interrupted download), opened from there afterwards, offline too.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_attachment(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    args: cmd::OpenAttachment,
) -> Reply<ReplyOf<cmd::OpenAttachment>> {
    let cmd::OpenAttachment { token, name } = args;
    use tauri_plugin_opener::OpenerExt;
    let path = shell
        .with_session(|s| async move { s.open_file(&token, &name).await })
        .await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| internal(format!("The file could not be opened: {e}")))
}

/// An image attachment as a `data:` URL for the timeline (the CSP admits `data:` images and
/// nothing remote); `None` when it is not a previewable image. Downloaded into the offline
/// file cache first, so a preview once seen shows offline too.
#[tauri::command(rename_all = "snake_case")]
pub async fn image_preview(
    shell: State<'_, Shell>,
    args: cmd::ImagePreview,
) -> Reply<ReplyOf<cmd::ImagePreview>> {
    let cmd::ImagePreview { token, name } = args;
    use base64::Engine;
    let image = shell
        .with_session(|s| async move { s.image_preview(&token, &name).await })
        .await?;
    Ok(image.map(|(mime, bytes)| {
        format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }))
}

/// Opens a link from a message in the system browser or mail program: only `https:`,
/// `http:` and `mailto:` links, never files or other schemes.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_link(
    app: tauri::AppHandle,
    args: cmd::OpenLink,
) -> Reply<ReplyOf<cmd::OpenLink>> {
    let cmd::OpenLink { url } = args;
    use tauri_plugin_opener::OpenerExt;
    if !is_openable(&url) {
        return Err(invalid("Only web and mail links can be opened"));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| internal(format!("The link could not be opened: {e}")))
}
