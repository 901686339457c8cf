// Skiff's local OCI images: build (cached, deterministic), push to the loopback registry,
// and the names they are published under.

export { buildImages, listBuiltImages, imagesDir, layoutOf, type BuiltImage, type BuildOptions } from './build.ts';
export { publishLocalImages, pushBuiltImages, registryTargets, type PublishOptions, type PublishResult } from './publish.ts';
export { RegistryClient, type PushSource, type PushResult } from './push.ts';
export { openImage, manifestSource, type OpenedImage } from './source.ts';
export { E2E_TAGS, MIRRORED_REGISTRIES, RECIPES, SANDBOX_IMAGE_PATH, parseReference, registryPath, skiffPaths, type ImageRecipe, type RegistryPath } from './recipes.ts';
