; Exchange Desk's Windows installer (NSIS 3, Modern UI 2).
;
; Installs the folder PyInstaller made for the current user only, without administrator
; rights, under %LOCALAPPDATA%\Programs\Exchange Desk, with a Start-menu entry and an entry
; in Settings > Apps. It speaks Chinese, English and Hebrew (chosen at start, defaulting to
; Windows' language). The uninstaller removes the program and keeps the user's data: the
; database and settings live in %APPDATA%\ExchangeDesk and are never touched, and a `data`
; folder beside the program (a portable copy's) is left where it is.
;
; Neither the installer nor the uninstaller touches the program while it runs: both programs
; of the folder (ExchangeDesk.exe, exchange-desk.exe) are tried for writing, which Windows
; refuses for a running program, and only that copy is asked about (another user's, or a
; portable copy, is not in the way). A silent run (/S) never waits for an answer: every
; message box has its /SD default, and a running program cancels a silent update (exit
; code 2) instead of hanging it.
;
; Built by packaging/build.py:
;   makensis /DVERSION=0.2.0rc1 /DWINDOWS_VERSION=0.2.0.0 /DBUNDLE=dist\ExchangeDesk
;            /DOUTFILE=dist\ExchangeDesk-0.2.0rc1-setup.exe packaging\installer.nsi
; WINDOWS_VERSION is the four numbers a version resource takes (build.py's windows_version);
; without it VERSION.0 is tried, which only a plain X.Y.Z version makes valid. TEST_BUILD marks
; an installer made on Linux around Linux programs (a check that the script compiles), and
; SIGN_INCLUDE has makensis sign what it writes (build.py, when a certificate is configured).

Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !error "VERSION is not defined (makensis /DVERSION=...)"
!endif
!ifndef BUNDLE
  !error "BUNDLE is not defined: the folder PyInstaller made (makensis /DBUNDLE=...)"
!endif
!ifndef WINDOWS_VERSION
  !define WINDOWS_VERSION "${VERSION}.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "ExchangeDesk-${VERSION}-setup.exe"
!endif
!ifdef SIGN_INCLUDE
  !include "${SIGN_INCLUDE}"
!endif
!ifdef NOCOMPRESS
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

!define APP_NAME "Exchange Desk"
!define APP_EXE "ExchangeDesk.exe"
!define CLI_EXE "exchange-desk.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ExchangeDesk"
; Compile-time paths are relative to this folder (makensis works from it) and use "/",
; which makensis understands on Windows and on Linux alike.
!define ICON "../resources/icons/exchange-desk.ico"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
!ifdef TEST_BUILD
  BrandingText "${APP_NAME} ${VERSION} - Linux test build, not for Windows"
!else
  BrandingText "${APP_NAME} ${VERSION}"
!endif

VIProductVersion "${WINDOWS_VERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} setup"
VIAddVersionKey /LANG=0 "CompanyName" "Exchange Desk developers"
VIAddVersionKey /LANG=0 "LegalCopyright" "GPL-3.0-or-later"

!include "MUI2.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
; The installer's own language is remembered for its uninstaller.
!define MUI_LANGDLL_REGISTRY_ROOT "HKCU"
!define MUI_LANGDLL_REGISTRY_KEY "${UNINSTALL_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_LANGDLL_ALLLANGUAGES

!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "../LICENSE"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_UNPAGE_FINISH

; The first language is the default; Windows' own language is chosen when it is one of them.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "Hebrew"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString SHORTCUT_DESCRIPTION ${LANG_ENGLISH} "Sister cities, delegations, events, awards and certificates of honor"
LangString SHORTCUT_DESCRIPTION ${LANG_SIMPCHINESE} "友好城市、代表团、文化活动、奖项与荣誉证书"
LangString SHORTCUT_DESCRIPTION ${LANG_HEBREW} "ערים תאומות, משלחות, אירועים, פרסים ותעודות הוקרה"
LangString DATA_KEPT ${LANG_ENGLISH} "Your database and settings are kept in $APPDATA\ExchangeDesk."
LangString DATA_KEPT ${LANG_SIMPCHINESE} "您的数据库和设置保留在 $APPDATA\ExchangeDesk。"
LangString DATA_KEPT ${LANG_HEBREW} "מסד הנתונים וההגדרות שלך נשמרים ב-$APPDATA\ExchangeDesk."
LangString RUNNING ${LANG_ENGLISH} "Exchange Desk is running. Close it, then choose Retry."
LangString RUNNING ${LANG_SIMPCHINESE} "外事交流管理正在运行。请先关闭它，然后选择“重试”。"
LangString RUNNING ${LANG_HEBREW} "דלפק קשרי חוץ פועל. יש לסגור אותו ולבחור 'נסה שוב'."

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

; Stops here while this copy of a program runs: Windows refuses to open a running program for
; writing. Asks to close it and retry; a silent run answers Cancel (/SD) and aborts.
!macro WAIT_UNTIL_CLOSED PROGRAM ID
  retry_${ID}:
  IfFileExists "$INSTDIR\${PROGRAM}" 0 free_${ID}
  ClearErrors
  FileOpen $0 "$INSTDIR\${PROGRAM}" a
  IfErrors 0 opened_${ID}
  MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(RUNNING)" /SD IDCANCEL IDRETRY retry_${ID}
  Abort
  opened_${ID}:
  FileClose $0
  free_${ID}:
!macroend

Section "Exchange Desk" SectionProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A running copy holds its files open: ask to close it rather than leave a half update.
  !insertmacro WAIT_UNTIL_CLOSED "${APP_EXE}" window
  !insertmacro WAIT_UNTIL_CLOSED "${CLI_EXE}" console
  ; An update replaces the program files whole; the user's data is elsewhere.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}/*.*"
  File "/oname=LICENSE.txt" "../LICENSE"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" \
    "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "$(SHORTCUT_DESCRIPTION)"

  WriteUninstaller "$INSTDIR\Uninstall.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Exchange Desk developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  SectionGetSize ${SectionProgram} $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  ; Not while this copy runs (its files are in use): the same question as the installer's.
  !insertmacro WAIT_UNTIL_CLOSED "${APP_EXE}" window
  !insertmacro WAIT_UNTIL_CLOSED "${CLI_EXE}" console
  ; Only what the installer put there: never the user's data (in %APPDATA%\ExchangeDesk),
  ; nor a `data` folder beside the program.
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"  ; only when empty
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DetailPrint "$(DATA_KEPT)"
SectionEnd
