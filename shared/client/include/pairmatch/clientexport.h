// PAIRMATCH_CLIENT_EXPORT: what libpairmatch-client exports (everything else is hidden).
#pragma once

#include <QtGlobal>

#if defined(PAIRMATCH_CLIENT_STATIC)
#define PAIRMATCH_CLIENT_EXPORT
#elif defined(PAIRMATCH_CLIENT_BUILDING)
#define PAIRMATCH_CLIENT_EXPORT Q_DECL_EXPORT
#else
#define PAIRMATCH_CLIENT_EXPORT Q_DECL_IMPORT
#endif
