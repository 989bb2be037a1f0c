import { types } from 'node:util';
import { EXIT_USAGE, PROGRAM, type CliCommand, type CliIo } from './command';
import { eventsCommand } from './commands/events.command';
import { reencryptSecretsCommand } from './commands/reencrypt-secrets.command';
import { sendCommand } from './commands/send.command';
import { verifyCommand } from './commands/verify.command';

const COMMANDS: readonly CliCommand[] = [sendCommand, verifyCommand, eventsCommand, reencryptSecretsCommand];

const io: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

const usage = [
  `Usage: ${PROGRAM} <command> [options]`,
  '',
  'Commands:',
  ...COMMANDS.map(({ name, summary }) => `  ${name.padEnd(18)}${summary}`),
  '',
  `Run \`${PROGRAM} <command> --help\` for a command's options.`,
].join('\n');

async function main([name, ...args]: readonly string[]): Promise<number> {
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(name === undefined ? usage : `${PROGRAM}: unknown command ${JSON.stringify(name)}\n\n${usage}`);
    return EXIT_USAGE;
  }
  return command.execute(args, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.err(`${PROGRAM}: ${types.isNativeError(error) ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
