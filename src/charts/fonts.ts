/**
 * The fonts charts are drawn with, shipped as an npm dependency (IBM Plex Sans, SIL Open
 * Font License 1.1; the licence is in the package as LICENSE_FONT) so a chart looks the same
 * in the Docker image, which has no system fonts. Vega measures text with an estimate in
 * Node; Plex's widths are close to it, so labels are not clipped.
 */
import { createRequire } from 'node:module';

export const CHART_FONT = 'IBM Plex Sans';

const require = createRequire(import.meta.url);

/** Absolute paths of the regular and bold faces (titles are bold). */
export const FONT_FILES: readonly string[] = [
  require.resolve('@expo-google-fonts/ibm-plex-sans/400Regular/IBMPlexSans_400Regular.ttf'),
  require.resolve('@expo-google-fonts/ibm-plex-sans/700Bold/IBMPlexSans_700Bold.ttf'),
];
