/* An in-memory SQLite workload with deterministic output: tables filled from a fixed pseudo-random sequence inside
 * one transaction, indexes, joins, GROUP BY / HAVING, ORDER BY, aggregates, window functions, a recursive CTE,
 * string and JSON functions, UPDATE/DELETE, and a checksum over a full ordered scan.
 *
 *   sqlite_workload [orders]     (default 20000 order rows; customers = orders/10, products = 500)
 *
 * Results go to stdout (byte-identical across native, node:wasi and Wasql); the time spent in the workload itself
 * (CLOCK_MONOTONIC, start-up excluded) goes to stderr as "kernel_ms <ms>". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sqlite3.h"

static sqlite3 *db;
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void die(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(const char *sql)
{
    char *err = 0;
    if (sqlite3_exec(db, sql, 0, 0, &err) != SQLITE_OK) {
        fprintf(stderr, "%s\n  in: %s\n", err ? err : "?", sql);
        exit(1);
    }
}

/* Runs a query and prints a titled table, one row per line, columns separated by '|'. */
static void query(const char *title, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) die(sql);
    printf("-- %s\n", title);
    int n = sqlite3_column_count(st), rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            printf("%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
        }
        putchar('\n');
    }
    if (rc != SQLITE_DONE) die(sql);
    sqlite3_finalize(st);
}

/* FNV-1a over the text of every column of every row of a query (in its order), plus the row count. */
static void checksum(const char *title, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) die(sql);
    uint64_t h = 0xcbf29ce484222325ull;
    long rows = 0;
    int n = sqlite3_column_count(st), rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rows++;
        for (int i = 0; i < n; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            int len = sqlite3_column_bytes(st, i);
            for (int k = 0; k < len; k++) h = (h ^ t[k]) * 0x100000001b3ull;
            h = (h ^ (t ? 0x1f : 0x00)) * 0x100000001b3ull;
        }
    }
    if (rc != SQLITE_DONE) die(sql);
    sqlite3_finalize(st);
    printf("-- %s\n%ld rows, fnv1a %016llx\n", title, rows, (unsigned long long)h);
}

static const char *const syllables[] = {"ka", "lo", "mi", "ren", "to", "sa", "vi", "dor", "ne", "pu", "zel", "ha", "qu", "or", "ix", "be"};
static const char *const cities[] = {"Avalon", "Brightwater", "Cedar Falls", "Dunmore", "Eastport", "Fairhaven",
                                     "Glenrock", "Harbor City", "Ironwood", "Juniper", "Kingsbridge", "Lakeside"};
static const char *const categories[] = {"tools", "garden", "books", "toys", "kitchen", "audio", "sport", "office"};

static void make_name(char *buf, int parts)
{
    buf[0] = 0;
    for (int i = 0; i < parts; i++) strcat(buf, syllables[rnd() % 16]);
    buf[0] = (char)(buf[0] - 'a' + 'A');
}

static void bind_step_reset(sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) die("insert");
    sqlite3_reset(st);
}

static void fill(int orders)
{
    int customers = orders / 10 > 0 ? orders / 10 : 1, products = 500;
    char name[64], note[96];
    sqlite3_stmt *st;
    exec("CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, tier INTEGER, joined TEXT);"
         "CREATE TABLE product(id INTEGER PRIMARY KEY, title TEXT, price REAL, category TEXT);"
         "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER, product_id INTEGER, qty INTEGER,"
         "                    discount REAL, day INTEGER, note TEXT);");
    exec("BEGIN");
    if (sqlite3_prepare_v2(db, "INSERT INTO customer VALUES(?,?,?,?,?)", -1, &st, 0)) die("prepare");
    for (int i = 1; i <= customers; i++) {
        make_name(name, 2 + (int)(rnd() % 3));
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        if (rnd() % 17 == 0) sqlite3_bind_null(st, 3);
        else sqlite3_bind_text(st, 3, cities[rnd() % 12], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, 1 + (int)(rnd() % 5));
        uint32_t y = 10 + rnd() % 15, m = 1 + rnd() % 12, d = 1 + rnd() % 28; /* argument order is unspecified */
        snprintf(note, sizeof note, "20%02u-%02u-%02u", y, m, d);
        sqlite3_bind_text(st, 5, note, -1, SQLITE_TRANSIENT);
        bind_step_reset(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "INSERT INTO product(title, price, category) VALUES(?,?,?)", -1, &st, 0)) die("prepare");
    for (int i = 1; i <= products; i++) {
        make_name(name, 3);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 2, (double)(99 + rnd() % 50000) / 100.0);
        sqlite3_bind_text(st, 3, categories[rnd() % 8], -1, SQLITE_STATIC);
        bind_step_reset(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "INSERT INTO orders VALUES(NULL,?,?,?,?,?,?)", -1, &st, 0)) die("prepare");
    for (int i = 1; i <= orders; i++) {
        /* Skewed customer choice so that GROUP BY results have distinct leaders. */
        uint32_t r = rnd();
        int cust = 1 + (int)((r % customers) * (uint64_t)(r % customers) / customers);
        sqlite3_bind_int(st, 1, cust);
        sqlite3_bind_int(st, 2, 1 + (int)(rnd() % products));
        sqlite3_bind_int(st, 3, 1 + (int)(rnd() % 10));
        sqlite3_bind_double(st, 4, (double)(rnd() % 25) / 100.0);
        sqlite3_bind_int(st, 5, (int)(rnd() % 365));
        if (rnd() % 4 == 0) sqlite3_bind_null(st, 6);
        else {
            make_name(name, 1 + (int)(rnd() % 4));
            uint32_t num = rnd() % 1000, kind = rnd() & 1;
            snprintf(note, sizeof note, "%s #%u %s", name, num, kind ? "gift" : "rush");
            sqlite3_bind_text(st, 6, note, -1, SQLITE_TRANSIENT);
        }
        bind_step_reset(st);
    }
    sqlite3_finalize(st);
    exec("COMMIT");
    exec("CREATE INDEX orders_customer ON orders(customer_id);"
         "CREATE INDEX orders_product_day ON orders(product_id, day);"
         "CREATE INDEX customer_city ON customer(city, tier);"
         "ANALYZE;");
}

static void workload(void)
{
    query("version", "SELECT sqlite_version()");
    query("counts", "SELECT (SELECT count(*) FROM customer), (SELECT count(*) FROM product), count(*), sum(qty),"
                    " total(qty * discount), min(day), max(day), count(note) FROM orders");
    query("customers by city",
          "SELECT coalesce(city, '(none)'), count(*), round(avg(tier), 3), group_concat(DISTINCT tier)"
          " FROM customer GROUP BY city ORDER BY city");
    query("top customers by revenue",
          "SELECT c.id, c.name, c.city, count(*) AS n, round(sum(o.qty * p.price * (1 - o.discount)), 2) AS rev"
          " FROM orders o JOIN customer c ON c.id = o.customer_id JOIN product p ON p.id = o.product_id"
          " GROUP BY c.id ORDER BY rev DESC, c.id LIMIT 10");
    query("categories",
          "SELECT p.category, count(*), sum(o.qty), printf('%.3f', avg(p.price)), max(p.price) - min(p.price)"
          " FROM orders o JOIN product p ON p.id = o.product_id GROUP BY p.category HAVING count(*) > 10"
          " ORDER BY 2 DESC, 1");
    query("strings",
          "SELECT id, upper(substr(name, 1, 3)) || lower(substr(name, 4)), length(name), replace(name, 'a', '@'),"
          " instr(name, 'o'), hex(substr(name, 1, 2)), trim('  ' || ifnull(city, '?') || '  '), printf('%-8s|%5d', name, tier)"
          " FROM customer WHERE name LIKE '%ka%' ORDER BY name, id LIMIT 15");
    query("moving sum by day",
          "SELECT day, daily, sum(daily) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW),"
          " rank() OVER (ORDER BY daily DESC) FROM (SELECT day, sum(qty) AS daily FROM orders GROUP BY day)"
          " ORDER BY day LIMIT 12 OFFSET 100");
    query("fibonacci",
          "WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM fib WHERE n < 80)"
          " SELECT n, a FROM fib WHERE n % 10 = 0");
    query("customers without orders",
          "SELECT count(*), min(id), max(id) FROM customer c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)");
    query("best product per category",
          "SELECT category, title, units FROM (SELECT p.category, p.title, sum(o.qty) AS units,"
          " row_number() OVER (PARTITION BY p.category ORDER BY sum(o.qty) DESC, p.id) AS rn"
          " FROM product p JOIN orders o ON o.product_id = p.id GROUP BY p.id) WHERE rn = 1 ORDER BY category");
    query("json", "SELECT json_group_array(json_object('city', city, 'n', n)) FROM"
                  " (SELECT city, count(*) AS n FROM customer WHERE city IS NOT NULL GROUP BY city ORDER BY n DESC, city LIMIT 4)");
    query("nocase order", "SELECT name FROM customer ORDER BY name COLLATE NOCASE DESC, id LIMIT 5");
    query("index range", "SELECT product_id, count(*), sum(day) FROM orders WHERE product_id BETWEEN 100 AND 105"
                         " AND day >= 180 GROUP BY product_id ORDER BY product_id");
    exec("UPDATE orders SET note = note || '!' WHERE qty > 8 AND note IS NOT NULL;"
         "DELETE FROM orders WHERE day % 13 = 0;"
         "UPDATE customer SET tier = tier + 1 WHERE id IN (SELECT customer_id FROM orders GROUP BY customer_id HAVING count(*) > 40);");
    query("after update/delete", "SELECT total_changes(), count(*), sum(length(note)), sum(note LIKE '%!') FROM orders");
    query("tiers", "SELECT tier, count(*) FROM customer GROUP BY tier ORDER BY tier");
    checksum("orders scan", "SELECT * FROM orders ORDER BY customer_id, day DESC, id");
    checksum("join scan", "SELECT c.name, p.title, o.qty * p.price FROM orders o JOIN customer c ON c.id = o.customer_id"
                          " JOIN product p ON p.id = o.product_id WHERE c.tier >= 3 ORDER BY p.title, o.id");
    query("distinct floats", "SELECT count(DISTINCT price), sum(price), avg(price * 1.5) FROM product");
}

int main(int argc, char **argv)
{
    int orders = argc > 1 ? atoi(argv[1]) : 20000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) die("open");
    fill(orders);
    workload();
    sqlite3_close(db);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fflush(stdout);
    fprintf(stderr, "kernel_ms %.3f\n", (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    return 0;
}
