import { Script } from 'node:vm';

/** The syntax error of a `node -e` health check script, if it has one (quoting mistakes show up here). */
export function scriptSyntaxError(command: unknown): string | undefined {
  if (!Array.isArray(command)) return 'not an exec-form list';
  const index = command.indexOf('-e');
  if (command[index - 1] !== 'node' || typeof command[index + 1] !== 'string') return undefined;
  try {
    new Script(command[index + 1] as string);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
