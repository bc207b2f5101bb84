; Inno Setup 6 script: a Windows installer for the one-folder bundle.
;
; NOT BUILT OR RUN IN THIS PROJECT'S CI (it has no Windows machine): see
; packaging/README.md, "Windows", for the steps and what to check by hand.
;
; Build on Windows, from the repository root, after packaging\dist\clinic_app\ exists:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\clinic_app.iss
; AppVersion must be the package's version (pyproject.toml), so the installer,
; the uninstall entry and `clinic_app.__version__` agree; README.md shows how to
; read it from the package metadata.
;
; Data safety: the clinic's data folder is NOT under {app}.  The app keeps it in
; the user's data folder (%LOCALAPPDATA%\clinic_app, platformdirs), so installing
; an upgrade replaces program files only, and uninstalling never deletes the
; ledger or its backups.  An upgrade that changes the database schema migrates
; it on first start, after the app has backed it up (clinic_app/store/db.py).

#ifndef AppVersion
  #error Pass the version: ISCC.exe /DAppVersion=X.Y.Z packaging\clinic_app.iss
#endif

#define AppName "村卫生室门诊统筹"
#define AppExe "clinic_app.exe"

[Setup]
; The AppId ties every version's installer to the same installation: keep it forever.
AppId={{6C2F0E9B-5A3D-4E8C-9B1F-2D7A4C61E3A5}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=clinic_app
VersionInfoVersion={#AppVersion}
; Per-user install by default (no administrator password needed at a village
; clinic); an administrator may choose an install for all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\clinic_app
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Qt 6 and Python 3.11 need 64-bit Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
SetupIconFile=..\resources\icons\clinic_app.ico
UninstallDisplayIcon={app}\{#AppExe}
OutputDir=dist
OutputBaseFilename=clinic_app-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running clinic_app before replacing its files (the database is then closed
; cleanly and the app's exit backup runs), and do not restart it by itself.
CloseApplications=force
RestartApplications=no

[Languages]
; ChineseSimplified.isl: official in recent Inno Setup 6 releases; with an older one, put the
; translation from the Inno Setup translations page into its Languages folder (README.md).
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Program files of the previous version go first, so no stale module of an old
; version is left beside the new ones.  Only {app}: the data folder is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\clinic_app\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
