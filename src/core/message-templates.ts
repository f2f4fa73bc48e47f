// Every template registry of the core's user-facing messages (core/messages.ts), in one place: hosts that translate
// check their bundles against it, and the completeness tests fail when a registry is added but not listed here.

import { ADAPTERS } from './conventions/index';
import { KERAS_ROLE_TITLES } from './conventions/keras-common';
import { FORWARD_TEMPLATES, INPUT_TEMPLATES } from './forward-messages';
import { LIST_TEMPLATES } from './messages';
import { LOOKALIKE_TEMPLATES, PARSE_TEMPLATES } from './parse/messages';
import { RECOGNISER_TEMPLATES, REJECTION_TEMPLATES, ROLE_TEMPLATES } from './recognize/messages';
import { PRECISION_TEMPLATES } from './recognize/precision';
import { SHARED_NAME_TEMPLATES } from './recognize/shared-names';
import { UNRELATED_KIND_TITLES, UNRELATED_TEMPLATES } from './recognize/unrelated';
import { NOTEBOOK_TEMPLATES } from './text/notebook';

export const CORE_TEMPLATE_REGISTRIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  RECOGNISER_TEMPLATES, REJECTION_TEMPLATES, ROLE_TEMPLATES, UNRELATED_TEMPLATES, UNRELATED_KIND_TITLES,
  PARSE_TEMPLATES, LOOKALIKE_TEMPLATES, FORWARD_TEMPLATES, INPUT_TEMPLATES, LIST_TEMPLATES, PRECISION_TEMPLATES, SHARED_NAME_TEMPLATES,
  NOTEBOOK_TEMPLATES,
  // Role names ("recurrent kernel") live with each convention's adapter: every adapter's, Keras's shared table by name.
  KERAS_ROLE_TITLES,
  // One registry per adapter (two conventions may title the same role name differently: ONNX W, Keras 1 W), and
  // the messages an adapter's own recognition writes (analyseNamed).
  ...Object.fromEntries(ADAPTERS.map((a) => [`${a.id.toUpperCase()}_ROLE_TITLES`, a.roleTitles])),
  ...Object.fromEntries(ADAPTERS.map((a) => [`${a.id.toUpperCase()}_TEMPLATES`, ('templates' in a ? a.templates : undefined) ?? {}])),
};

/** Every template the core can emit, each once. */
export function coreTemplates(): string[] {
  return [...new Set(Object.values(CORE_TEMPLATE_REGISTRIES).flatMap((r) => Object.values(r)))];
}
