import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/**
 * Every document of a YAML file as plain data, `<<` merge keys resolved (compose relies on them).
 * A syntax error or a missing file throws with the file name: a check must never pass on a file it
 * could not read.
 */
export function readYamlDocuments(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const documents = parseAllDocuments(text, { merge: true });
  if (!Array.isArray(documents)) return [];
  return documents.flatMap((document) => {
    const [error] = document.errors;
    if (error) throw new Error(`${file} is not valid YAML: ${error.message}`);
    const value: unknown = document.toJS({ maxAliasCount: -1 });
    return value === null || value === undefined ? [] : [value];
  });
}

export function readYamlFile(file: string): unknown {
  const documents = readYamlDocuments(file);
  if (documents.length !== 1) {
    throw new Error(`${file} should hold one YAML document, not ${documents.length}`);
  }
  return documents[0];
}

export type YamlMap = Record<string, unknown>;

export const isMap = (value: unknown): value is YamlMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a path of map keys, or undefined where the path stops. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    current = current[key];
  }
  return current;
}

export const mapAt = (value: unknown, ...path: string[]): YamlMap | undefined => {
  const found = at(value, ...path);
  return isMap(found) ? found : undefined;
};

export const listAt = (value: unknown, ...path: string[]): unknown[] => {
  const found = at(value, ...path);
  return Array.isArray(found) ? found : [];
};

export const stringAt = (value: unknown, ...path: string[]): string | undefined => {
  const found = at(value, ...path);
  return typeof found === 'string' ? found : typeof found === 'number' ? String(found) : undefined;
};
