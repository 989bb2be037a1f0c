import type { Client } from 'pg';

/**
 * The parts of a Postgres schema that a Prisma schema decides, as comparable strings. Built once
 * from schema.prisma (what `prisma migrate diff` would create) and once from a migrated database,
 * it shows where hand-written migration SQL drifted from the schema.
 */
export interface SchemaShape {
  enums: Record<string, string[]>;
  columns: string[];
  indexes: string[];
  foreignKeys: string[];
}

interface Field {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attributes: string;
}

interface Model {
  name: string;
  table: string;
  fields: Field[];
  blockAttributes: string[];
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
};
const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  SetNull: 'SET NULL',
};
const KNOWN_FIELD_ATTRIBUTE = /@(map|default|relation)\((?:[^()]|\([^()]*\))*\)|@(id|unique|updatedAt)\b/g;

/** Supports the subset of the Prisma schema language this project uses and throws on anything else. */
export function expectedShape(schemaText: string): SchemaShape {
  const { models, enums } = parseSchema(schemaText);
  const byName = new Map(models.map((m) => [m.name, m]));
  const shape: SchemaShape = { enums, columns: [], indexes: [], foreignKeys: [] };

  for (const model of models) {
    const column = (fieldName: string) => {
      const field = model.fields.find((f) => f.name === fieldName);
      if (!field) throw new Error(`${model.name} has no field ${fieldName}`);
      return columnName(field);
    };
    const index = (kind: 'pkey' | 'key' | 'idx', columns: string[], options: IndexOptions = {}) => {
      const name =
        options.map ??
        (kind === 'pkey' ? `${model.table}_pkey` : `${model.table}_${columns.join('_')}_${kind}`);
      const unique = kind === 'idx' ? '' : 'UNIQUE ';
      // Postgres shows a partial index's predicate in parentheses, as the raw() text must be written.
      const where = options.where === undefined ? '' : ` WHERE (${options.where})`;
      shape.indexes.push(
        `CREATE ${unique}INDEX ${name} ON public.${model.table} USING btree (${columns.join(', ')})${where}`,
      );
    };

    for (const field of model.fields) {
      const target = byName.get(field.type);
      if (target) {
        const relation = /@relation\(([^)]*)\)/.exec(field.attributes)?.[1];
        if (relation?.includes('fields:'))
          shape.foreignKeys.push(foreignKey(model, field, relation, target, column));
        continue;
      }
      const type = field.type in enums ? `"${field.type}"` : SCALAR_TYPES[field.type];
      if (!type) throw new Error(`unsupported type ${field.type} on ${model.name}.${field.name}`);
      const notNull = field.optional || field.list ? '' : ' NOT NULL';
      const defaultValue = /@default\(((?:[^()]|\([^()]*\))*)\)/.exec(field.attributes)?.[1];
      const rendered =
        defaultValue === undefined ? '' : ` DEFAULT ${renderDefault(defaultValue, field, type, model)}`;
      shape.columns.push(
        `${model.table}.${columnName(field)} ${type}${field.list ? '[]' : ''}${notNull}${rendered}`,
      );
      if (/@id\b/.test(field.attributes)) index('pkey', [columnName(field)]);
      if (/@unique\b/.test(field.attributes)) index('key', [columnName(field)]);
    }

    for (const attribute of model.blockAttributes) {
      const [, kind, args] = /^@@(\w+)\((.*)\)$/.exec(attribute) ?? [];
      if (kind === 'map') continue;
      const [, fields = '', rest = ''] = /^\[([^\]]*)\](.*)$/.exec(args ?? '') ?? [];
      const columns = fields.split(',').map((f) => column(f.trim()));
      const options = indexOptions(rest, attribute);
      if (kind === 'id') index('pkey', columns);
      else if (kind === 'unique') index('key', columns, options);
      else if (kind === 'index') index('idx', columns, options);
      else throw new Error(`unsupported attribute ${attribute} on ${model.name}`);
    }
  }
  return sortShape(shape);
}

export async function actualShape(client: Client): Promise<SchemaShape> {
  const enums = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`);
  const columns = await client.query<{ line: string }>(`
    SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
      || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'
      AND a.attnum > 0 AND NOT a.attisdropped`);
  const indexes = await client.query<{ line: string }>(`
    SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
  const foreignKeys = await client.query<{ line: string }>(`
    SELECT c.conrelid::regclass || '.' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS line
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND c.contype = 'f'`);
  return sortShape({
    enums: Object.fromEntries(enums.rows.map((r) => [r.name, r.labels])),
    columns: columns.rows.map((r) => r.line),
    indexes: indexes.rows.map((r) => r.line),
    foreignKeys: foreignKeys.rows.map((r) => r.line),
  });
}

function parseSchema(text: string): { models: Model[]; enums: Record<string, string[]> } {
  const models: Model[] = [];
  const enums: Record<string, string[]> = {};
  for (const [, kind, name, body] of text.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const lines = body
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('//'));
    if (kind === 'enum') {
      enums[name] = lines;
      continue;
    }
    const blockAttributes = lines.filter((l) => l.startsWith('@@'));
    const fields = lines
      .filter((l) => !l.startsWith('@@'))
      .map((line) => {
        const [, fieldName, type, list, optional, attributes] =
          /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line) ?? [];
        if (!fieldName || !type) throw new Error(`cannot parse field line "${line}" in ${name}`);
        const unknown = attributes.replace(KNOWN_FIELD_ATTRIBUTE, '').trim();
        if (unknown !== '') throw new Error(`unsupported attributes "${unknown}" on ${name}.${fieldName}`);
        return {
          name: fieldName,
          type,
          list: list !== undefined,
          optional: optional !== undefined,
          attributes,
        };
      });
    const table = blockAttributes.map((a) => /^@@map\("([^"]+)"\)$/.exec(a)?.[1]).find(Boolean) ?? name;
    models.push({ name, table, fields, blockAttributes });
  }
  return { models, enums };
}

interface IndexOptions {
  map?: string;
  /** A partial index's predicate, as `where: raw("...")` gives it. */
  where?: string;
}

const INDEX_OPTION = /^,\s*(?:map:\s*"([^"]+)"|where:\s*raw\("([^"]+)"\))/;

/** The `map` and `where` arguments after an index's field list; anything else is not supported. */
function indexOptions(text: string, attribute: string): IndexOptions {
  const options: IndexOptions = {};
  for (let rest = text.trim(); rest !== '';) {
    const match = INDEX_OPTION.exec(rest);
    if (!match) throw new Error(`unsupported index arguments in ${attribute}`);
    if (match[1] !== undefined) options.map = match[1];
    if (match[2] !== undefined) options.where = match[2];
    rest = rest.slice(match[0].length).trim();
  }
  return options;
}

function columnName(field: Field): string {
  return /@map\("([^"]+)"\)/.exec(field.attributes)?.[1] ?? field.name;
}

function renderDefault(value: string, field: Field, type: string, model: Model): string {
  if (value === 'now()') return 'CURRENT_TIMESTAMP';
  if (value === 'autoincrement()') return `nextval('${model.table}_${columnName(field)}_seq'::regclass)`;
  if (/^-?\d+$/.test(value)) return value;
  if (value === '[]' && field.list) return `ARRAY[]::${type.replace('[]', '')}[]`;
  if (field.type === 'Json' && value.startsWith('"')) return `'${JSON.parse(value) as string}'::jsonb`;
  if (field.type === 'String' && value.startsWith('"')) return `'${JSON.parse(value) as string}'::text`;
  if (type.startsWith('"')) return `'${value}'::${type}`;
  throw new Error(`unsupported default ${value} on ${model.name}.${field.name}`);
}

function foreignKey(
  model: Model,
  field: Field,
  relation: string,
  target: Model,
  column: (fieldName: string) => string,
): string {
  const list = (key: string) =>
    (new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(relation)?.[1] ?? '').split(',').map((f) => f.trim());
  const columns = list('fields').map(column);
  const referenced = list('references').map((name) => {
    const referencedField = target.fields.find((f) => f.name === name);
    if (!referencedField) throw new Error(`${target.name} has no field ${name}`);
    return columnName(referencedField);
  });
  // Prisma's defaults: Restrict for a required relation, SetNull for an optional one; updates cascade.
  const action = (key: string, fallback: string) => {
    const name = new RegExp(`${key}:\\s*(\\w+)`).exec(relation)?.[1] ?? fallback;
    const sql = REFERENTIAL_ACTIONS[name];
    if (!sql) throw new Error(`unsupported ${key}: ${name} on ${model.name}.${field.name}`);
    return sql;
  };
  return (
    `${model.table}.${model.table}_${columns.join('_')}_fkey FOREIGN KEY (${columns.join(', ')}) ` +
    `REFERENCES ${target.table}(${referenced.join(', ')}) ` +
    `ON UPDATE ${action('onUpdate', 'Cascade')} ON DELETE ${action('onDelete', field.optional ? 'SetNull' : 'Restrict')}`
  );
}

function sortShape(shape: SchemaShape): SchemaShape {
  return {
    enums: Object.fromEntries(Object.entries(shape.enums).sort(([a], [b]) => (a < b ? -1 : 1))),
    columns: [...shape.columns].sort(),
    indexes: [...shape.indexes].sort(),
    foreignKeys: [...shape.foreignKeys].sort(),
  };
}
