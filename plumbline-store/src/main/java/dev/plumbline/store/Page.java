package dev.plumbline.store;

import java.util.List;

/**
 * One page of a query's results.
 *
 * @param items the items of the page
 * @param total how many items match the query, on every page
 * @param offset the index of the first item of the page
 * @param limit the page size asked for
 */
public record Page<T>(List<T> items, long total, int offset, int limit) {
  public Page {
    items = List.copyOf(items);
  }

  /** Whether a later page has items. */
  public boolean hasMore() {
    return offset + items.size() < total;
  }
}
