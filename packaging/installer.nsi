; Exchange Desk's Windows installer (NSIS 3, Modern UI 2).
;
; Installs the folder PyInstaller made for the current user only, without administrator
; rights, under %LOCALAPPDATA%\Programs\Exchange Desk, with a Start-menu entry and an entry
; in Settings > Apps. It speaks Chinese, English and Hebrew (chosen at start, defaulting to
; Windows' language). The uninstaller removes the program and keeps the user's data: the
; database and settings live in %APPDATA%\ExchangeDesk and are never touched, and a `data`
; folder beside the program (a portable copy's) is left where it is.
;
; Built by packaging/build.py:
;   makensis /DVERSION=0.1.0 /DBUNDLE=dist\ExchangeDesk /DOUTFILE=dist\ExchangeDesk-0.1.0-setup.exe
;            packaging\installer.nsi

Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !error "VERSION is not defined (makensis /DVERSION=...)"
!endif
!ifndef BUNDLE
  !error "BUNDLE is not defined: the folder PyInstaller made (makensis /DBUNDLE=...)"
!endif
!ifndef OUTFILE
  !define OUTFILE "ExchangeDesk-${VERSION}-setup.exe"
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
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
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

Section "Exchange Desk" SectionProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A running copy holds its files open: ask to close it rather than leave a half update.
  retry:
  IfFileExists "$INSTDIR\${APP_EXE}" 0 copy
  ClearErrors
  FileOpen $0 "$INSTDIR\${APP_EXE}" a
  IfErrors 0 opened
  MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(RUNNING)" IDRETRY retry
  Abort
  opened:
  FileClose $0
  copy:
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
