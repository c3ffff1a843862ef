/**
 * A database migrated by a newer intake: this one does not know its steps, and writing to it
 * could break what they made (a count key that no longer exists, a trigger it does not expect).
 */
export class NewerSchemaError extends Error {
  constructor(found: number, known: number) {
    super(`the database was migrated by a newer intake (schema step ${found}; this intake knows ${known}): run that version or a newer one`);
  }
}
