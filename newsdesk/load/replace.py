"""A stored article rewritten in place (reprocess, a rebuild for learned lines): same id, new
content, mentions and lines, in one transaction."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, select, update

import models as m
from newsdesk.load import articles, duplicates, entities, owed
from newsdesk.records import Item


def replace_article(
    engine: Engine,
    document_id: int,
    item: Item,
    run_id: int | None = None,
    relink: bool = True,
    settling: bool = False,
) -> int | None:
    """Rewrite one document's article, mentions and lines in place, in one transaction.

    The article keeps its id, so `duplicate_of` links and analysts' saved ids stay valid.
    With `relink` (reprocess: the cleaning may have changed) its signature and near-duplicate
    link are recomputed against earlier articles only (the one linker, `duplicates.links`);
    without (a rebuild for learned lines, which never change the signature) they are kept.
    Mentions go through the aliases like any load, so analysts' merges hold; the article's
    after-commit work becomes owed. `settling`: the caller holds the settle lock.
    Returns the article id, or None when the document has no article.
    """
    with engine.begin() as conn:
        if not settling:
            owed.share_settle_lock(conn)
        article_id = conn.scalar(
            select(m.Article.id)
            .where(m.Article.document_id == document_id)
            # Not FOR UPDATE: loads referencing this article (duplicate_of) may go on.
            .with_for_update(key_share=True)  # FOR NO KEY UPDATE
        )
        if article_id is None:
            return None
        stored = ["mentions", "article_lines"]
        if relink:
            stored += ["article_bands", "article_signatures"]
        for name in stored:
            table = m.Base.metadata.tables[name]
            conn.execute(delete(table).where(table.c.article_id == article_id))
        content = {**articles.content(item.article), "loaded_at": func.now()}
        conn.execute(update(m.Article).where(m.Article.id == article_id).values(**content))
        # Entities first: see duplicates.lock_near_duplicates.
        entities.write_mentions(conn, [(article_id, x) for x in item.mentions])
        owed.copy_lines(conn, [article_id], [item])
        if relink:
            duplicates.lock_near_duplicates(conn)
            (link,) = duplicates.links(conn, [article_id], [item])
            conn.execute(
                update(m.Article).where(m.Article.id == article_id).values(duplicate_of=link)
            )
            duplicates.write_index(conn, [article_id], [item])
        owed.owe_work(conn, [article_id], run_id)
        return article_id
