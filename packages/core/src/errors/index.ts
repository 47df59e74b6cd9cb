export { WeightspecError, hasErrorCode, WEIGHTSPEC_ERROR_CODES } from './weightspec-error.ts';
export type { WeightspecErrorCode } from './weightspec-error.ts';
export { InvalidSpecError, formatJsonPath } from './invalid-spec-error.ts';
export type { SpecIssue } from './invalid-spec-error.ts';
export { UnsupportedVersionError } from './unsupported-version-error.ts';
export { InvalidInputError } from './invalid-input-error.ts';
export { UnsupportedFeatureError } from './unsupported-feature-error.ts';
export { ZeroDenominatorError } from './zero-denominator-error.ts';
export { MissingPeerError } from './missing-peer-error.ts';
