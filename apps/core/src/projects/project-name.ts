/**
 * Harbor's project-name rule: 1 to 255 characters, lower-case letters, digits and `.`, `_`, `-`,
 * starting and ending with a letter or digit, separators never doubled. The name is the first
 * component of every repository in the project, so it must also be a valid path component of
 * the distribution grammar, which this is.
 */
const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function projectNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 255) return 'project_name must be 1 to 255 characters long';
  if (!NAME.test(name)) {
    return 'project_name may only contain lower-case letters, digits and ".", "_", "-", must start and end with a letter or digit and must not repeat a separator';
  }
  return undefined;
}
