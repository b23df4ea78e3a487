#ifndef KC_SHIMS_H
#define KC_SHIMS_H

#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
/// Binding with it makes SQLite copy the bytes before sqlite3_bind_* returns.
sqlite3_destructor_type kc_shims_sqlite_transient(void);

#endif
