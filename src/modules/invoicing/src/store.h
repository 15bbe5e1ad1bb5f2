// Private to invoicing: reading document rows, shared by the issuing and SdI code.
// Thread-safety: pure functions over a caller's transaction.
#pragma once

#include <string>

#include "fondaco/invoicing/invoicing.h"

namespace fondaco::invoicing::store {

// The columns Document is read from, in the order row_to_document expects.
extern const char* const kDocumentColumns;
Result<Document> row_to_document(const storage::Rows& rows, std::size_t r);
// One document by a WHERE clause with one parameter, or nullopt.
Result<std::optional<Document>> find_one(storage::Tx& tx, const std::string& where,
                                         storage::Value param);

std::string summary_json(const std::vector<VatSummary>& s);
std::string errors_json(const std::vector<SdiError>& e);

}  // namespace fondaco::invoicing::store
