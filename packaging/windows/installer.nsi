; Parta's Windows installer, built by scripts/windows.sh with Debian's makensis:
;   makensis -DVERSION=… -DAPP=parta-desktop.exe -DLOADER=WebView2Loader.dll -DICON=icon.ico
;            -DOUTFILE=Parta-…-setup.exe packaging/windows/installer.nsi
; For the current user only (no administrator rights, as on a school PC a teacher uses): the app
; under %LOCALAPPDATA%\Programs\Parta, a Start menu entry, `parta://` invitation links, and an
; entry under "Apps & features". Russian first, English second, as the app itself.
Unicode true
; 64-bit, as the app: a 64-bit Windows (and a 64-bit-only Wine) runs it as it is.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Parta"
!define WEBVIEW2_KEY "Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "Парта"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Parta"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "Parta"
VIAddVersionKey /LANG=0 "FileDescription" "Parta installer"
VIAddVersionKey /LANG=0 "CompanyName" "Parta developers"
VIAddVersionKey /LANG=0 "LegalCopyright" "Parta developers, MIT OR Apache-2.0"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\parta-desktop.exe"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Russian"
!insertmacro MUI_LANGUAGE "English"

LangString NoWebView ${LANG_RUSSIAN} "На этом компьютере нет Microsoft Edge WebView2, без которого окно Парты не откроется. В Windows 10 и 11 он обычно уже есть; если нет, попросите администратора школы установить «WebView2 Runtime». Установка Парты продолжится."
LangString NoWebView ${LANG_ENGLISH} "This computer has no Microsoft Edge WebView2, without which Parta's window cannot open. Windows 10 and 11 usually have it; if not, ask the school's administrator to install the WebView2 Runtime. Parta's installation goes on."
LangString LinkName ${LANG_RUSSIAN} "Приглашение в Парту"
LangString LinkName ${LANG_ENGLISH} "Parta invitation"

Function .onInit
  ; Russian unless Windows speaks English.
  ${If} $LANGUAGE != ${LANG_ENGLISH}
    StrCpy $LANGUAGE ${LANG_RUSSIAN}
  ${EndIf}
FunctionEnd

; The app's updater (tauri-plugin-updater, quiet mode) runs this with `/S /UPDATE /R` and ends
; Parta at once: the old program may still be closing its cache (at most 3 s) when this starts.
Function WaitForParta
  StrCpy $1 0
  ${DoWhile} ${FileExists} "$INSTDIR\parta-desktop.exe"
    ClearErrors
    Delete "$INSTDIR\parta-desktop.exe"
    ${IfNot} ${Errors}
      ${Break}
    ${EndIf}
    IntOp $1 $1 + 1
    ${If} $1 > 40
      ${Break}
    ${EndIf}
    Sleep 250
  ${Loop}
FunctionEnd

Section "Parta"
  SetOutPath "$INSTDIR"
  Call WaitForParta
  File "/oname=parta-desktop.exe" "${APP}"
  File "/oname=WebView2Loader.dll" "${LOADER}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\Парта.lnk" "$INSTDIR\parta-desktop.exe"

  ; parta://join/… from a browser or a mail program starts Parta (or hands the link to the
  ; running one) with the link as its argument.
  WriteRegStr HKCU "Software\Classes\parta" "" "URL:$(LinkName)"
  WriteRegStr HKCU "Software\Classes\parta" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\parta\DefaultIcon" "" "$INSTDIR\parta-desktop.exe,0"
  WriteRegStr HKCU "Software\Classes\parta\shell\open\command" "" '"$INSTDIR\parta-desktop.exe" "%1"'

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Парта (Parta)"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Parta developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\parta-desktop.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  ; WebView2 is part of Windows 10 and 11 as updated; say so plainly where it is missing.
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKCU "${WEBVIEW2_KEY}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    MessageBox MB_OK|MB_ICONINFORMATION "$(NoWebView)" /SD IDOK
  ${EndIf}
SectionEnd

; `/R` (the updater's "restart after install"): start the new Parta.
Function .onInstSuccess
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/R" $1
  ${IfNot} ${Errors}
    Exec '"$INSTDIR\parta-desktop.exe"'
  ${EndIf}
FunctionEnd

Section "Uninstall"
  ; The user's chats, cache and settings (%APPDATA%\ru.parta.desktop) stay: the app's own
  ; "sign out and clear" removes them, with the keychain entries.
  Delete "$INSTDIR\parta-desktop.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Парта.lnk"
  DeleteRegKey HKCU "Software\Classes\parta"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
