// metav1.LabelSelector: validation (ValidateLabelSelector), convertibility
// (LabelSelectorAsSelector succeeding) and matching against a label set.

import { fieldForbidden, fieldInvalid, fieldRequired } from '../../server/errors.ts';
import { validateLabelName, validateLabels, stringMap, type Errs } from './fields.ts';
import { asArray, asString, isObject, child, index } from './json.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';

export function validateLabelSelector(errs: Errs, path: string, selector: unknown, allowInvalidLabelValue = false): void {
  if (selector === undefined || selector === null) return;
  if (!isObject(selector)) {
    errs.push(fieldInvalid(path, selector, 'must be a label selector object'));
    return;
  }
  validateLabels(errs, child(path, 'matchLabels'), selector.matchLabels);
  const exprs = asArray(selector.matchExpressions) ?? [];
  for (let i = 0; i < exprs.length; i++) {
    const e = exprs[i];
    const ePath = index(child(path, 'matchExpressions'), i);
    if (!isObject(e)) {
      errs.push(fieldInvalid(ePath, e, 'must be an object'));
      continue;
    }
    const op = asString(e.operator) ?? '';
    const values = asArray(e.values) ?? [];
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(fieldRequired(child(ePath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(fieldForbidden(child(ePath, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldInvalid(child(ePath, 'operator'), op, 'not a valid selector operator'));
    }
    validateLabelName(errs, child(ePath, 'key'), asString(e.key) ?? '');
    if (!allowInvalidLabelValue) {
      for (let j = 0; j < values.length; j++) {
        const v = values[j];
        const vs = typeof v === 'string' ? v : String(v);
        for (const m of isValidLabelValue(vs)) errs.push(fieldInvalid(index(child(ePath, 'values'), j), v, m));
      }
    }
  }
}

/** Whether LabelSelectorAsSelector would accept the selector (nil converts to "nothing"). */
export function isParseableSelector(selector: unknown): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isObject(selector)) return false;
  const labels = selector.matchLabels;
  if (labels !== undefined && labels !== null) {
    if (!isObject(labels)) return false;
    for (const k of Object.keys(labels)) {
      const v = labels[k];
      if (isQualifiedName(k).length > 0 || typeof v !== 'string' || isValidLabelValue(v).length > 0) return false;
    }
  }
  for (const e of asArray(selector.matchExpressions) ?? []) {
    if (!isObject(e)) return false;
    const key = asString(e.key) ?? '';
    if (isQualifiedName(key).length > 0) return false;
    const values = asArray(e.values) ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return false;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return false;
        break;
      default:
        return false;
    }
    for (const v of values) if (typeof v !== 'string' || isValidLabelValue(v).length > 0) return false;
  }
  return true;
}

/** True when the selector has no requirements (matches everything when converted). */
export function isEmptySelector(selector: unknown): boolean {
  if (!isObject(selector)) return true;
  const labels = isObject(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const exprs = asArray(selector.matchExpressions)?.length ?? 0;
  return labels + exprs === 0;
}

/** Does a (parseable) LabelSelector match the label set? */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  const ml = stringMap(selector.matchLabels);
  for (const k of Object.keys(ml)) if (labels[k] !== ml[k]) return false;
  for (const e of asArray(selector.matchExpressions) ?? []) {
    if (!isObject(e)) return false;
    const key = asString(e.key) ?? '';
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const values = (asArray(e.values) ?? []).filter((v): v is string => typeof v === 'string');
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A map selector (RC, Service) matches when every pair is present. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k of Object.keys(selector)) if (labels[k] !== selector[k]) return false;
  return true;
}
