#include "CShims.h"

sqlite3_destructor_type kc_shims_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
