// Validates run records against schema/run.schema.json with ajv, and finds
// fields the engine writes that the schema does not describe (the schema
// allows unknown fields for readers' sake, so ajv alone would not notice).
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject } from 'ajv';

const root = path.resolve(__dirname, '../../../..');
export const runSchema = JSON.parse(fs.readFileSync(path.join(root, 'schema', 'run.schema.json'), 'utf8'));

const ajv = new Ajv({ allErrors: true, strict: true });
// RFC 3339 date-time, as draft-07 defines the format (ajv ships formats separately).
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(runSchema);

export function schemaErrors(record: unknown): string[] {
  return validate(record) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

type Schema = Record<string, unknown>;

function resolve(s: Schema): Schema {
  const ref = s.$ref as string | undefined;
  return ref ? resolve(runSchema.definitions[ref.replace('#/definitions/', '')]) : s;
}

/** JSON paths of object keys in `value` that the schema has no `properties` entry for. */
export function undescribedFields(value: unknown, schema: Schema = runSchema, at = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  const branches = [resolve(schema), ...((schema.anyOf ?? schema.allOf ?? []) as Schema[]).map(resolve)];
  if (Array.isArray(value)) {
    const items = branches.map((b) => b.items as Schema | undefined).find(Boolean);
    return items ? value.flatMap((v, i) => undescribedFields(v, items, `${at}[${i}]`)) : [];
  }
  const props = Object.assign({}, ...branches.map((b) => (b.properties ?? {}) as Record<string, Schema>)) as Record<string, Schema>;
  const map = branches.map((b) => b.additionalProperties).find((a) => typeof a === 'object') as Schema | undefined;
  const free = branches.some((b) => !b.properties && b.additionalProperties === undefined && !b.items && (b.type === 'object' || (Array.isArray(b.type) && b.type.includes('object'))));
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (props[key]) out.push(...undescribedFields(v, props[key], `${at}.${key}`));
    else if (map) out.push(...undescribedFields(v, map, `${at}.${key}`));
    else if (!free) out.push(`${at}.${key}`);
  }
  return out;
}
