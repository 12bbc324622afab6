/** Bad input an admin can fix; the message says how. */
export class ArticleError extends Error {}
