export type Mode = 'install' | 'stop' | 'status' | 'docker' | 'help';

export interface CliArgs {
  mode: Mode;
  configPath: string;
}

/** Parses install.sh's options; throws with a message fit for the user on anything unknown. */
export function parseArgs(argv: string[]): CliArgs {
  let mode: Mode = 'install';
  let configPath = 'harbor.yml';
  const setMode = (m: Mode) => {
    if (mode !== 'install' && mode !== m) throw new Error(`--${mode} and --${m} cannot be combined`);
    mode = m;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') setMode('help');
    else if (arg === '--stop') setMode('stop');
    else if (arg === '--status') setMode('status');
    else if (arg === '--docker') setMode('docker');
    else if (arg === '--config') {
      const value = argv[++i];
      if (!value) throw new Error('--config needs a path');
      configPath = value;
    } else if (arg.startsWith('--config=')) configPath = arg.slice('--config='.length);
    else throw new Error(`unknown option ${arg} (see --help)`);
  }
  return { mode, configPath };
}
